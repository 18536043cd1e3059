import { Mailbox } from "./mailbox.ts";

/**
 * A supervisor's restart intensity (OTP's `add_restart`): the times of the restarts
 * within the last `period` ms, oldest first, in a queue that drops expired ones from its
 * head. A restart exactly `period` ms old still counts, as in OTP (`R >= Now - Period`).
 * Recording a restart is O(1) amortized, whatever the intensity.
 */
export class RestartIntensity {
  #times = new Mailbox<number>();
  /** More restarts than this within `period` ms are too many; both may change (a reload), the history stays. */
  intensity: number;
  period: number;
  constructor(intensity: number, period: number) {
    this.intensity = intensity;
    this.period = period;
  }

  /** Records a restart at `now` (ms); false when it is one more than `intensity` within `period`. */
  add(now: number): boolean {
    const times = this.#times;
    while (times.size > 0 && now - times.peek()! > this.period) times.shift();
    times.push(now);
    return times.size <= this.intensity;
  }
}
