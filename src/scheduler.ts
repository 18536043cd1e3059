import { setImmediate } from "node:timers";
import { Mailbox } from "./mailbox.ts";

/** Something with queued work: runs up to `budget` messages, returns true if it has more. */
export interface Runnable {
  runSlice(budget: number): boolean;
}

/** Tuning of the run queue drain. */
export interface SchedulerOptions {
  /** Messages one actor may process before the next actor runs. @default 64 */
  throughput?: number;
  /** Time one drain may take before yielding to timers and I/O (a macrotask), in ms. @default 5 */
  sliceMs?: number;
}

/**
 * One run queue of actors with pending mail. `schedule` is O(1) and allocates
 * nothing; the queue is drained on a microtask, `throughput` messages per actor at
 * a time, and the drain yields to a macrotask (`setImmediate`) after about `sliceMs`
 * (measured from the 32nd slice on) so timers and I/O are never starved.
 */
export class Scheduler {
  #queue = new Mailbox<Runnable>(256);
  #wakePending = false;
  #throughput: number;
  #sliceMs: number;

  constructor({ throughput = 64, sliceMs = 5 }: SchedulerOptions = {}) {
    this.#throughput = throughput;
    this.#sliceMs = sliceMs;
  }

  /** Queues `actor`; the caller guarantees it is not already queued. */
  schedule(actor: Runnable): void {
    this.#queue.push(actor);
    if (!this.#wakePending) {
      this.#wakePending = true;
      queueMicrotask(this.#drain);
    }
  }

  #drain = (): void => {
    const queue = this.#queue;
    // The clock is read every 32 slices, not per drain: a short drain (one ask, one
    // reply) reads it never. The slice time counts from the first reading.
    let deadline = 0;
    let slices = 0;
    while (queue.size > 0) {
      const actor = queue.shift()!;
      if (actor.runSlice(this.#throughput)) queue.push(actor);
      if ((++slices & 31) === 0) {
        const now = performance.now();
        if (deadline === 0) deadline = now + this.#sliceMs;
        else if (now > deadline) {
          setImmediate(this.#drain);
          return;
        }
      }
    }
    this.#wakePending = false;
  };
}
