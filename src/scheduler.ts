import { setImmediate } from "node:timers";
import { Mailbox } from "./mailbox.ts";

/** Something with queued work: runs up to `budget` messages, returns true if it has more. */
export interface Runnable {
  runSlice(budget: number): boolean;
}

/**
 * Tuning of the run queue.
 *
 * @example
 * ```ts
 * import { ActorSystem } from "@airssys/rt";
 * await using system = new ActorSystem({ throughput: 16, sliceMs: 2 });
 * ```
 */
export interface SchedulerOptions {
  /** Messages one actor may process before the next actor runs (fairness between actors). @default 64 */
  throughput?: number;
  /**
   * Work the actors may do before timers and I/O get a turn, in ms: once a macrotask
   * turn has spent this long running actors, the rest waits for the next turn
   * (`setImmediate`). @default 5
   */
  sliceMs?: number;
}

/** Drains between clock readings (a clock reading costs up to ~140 ns on Deno). */
const DRAINS_PER_READING = 16;
/** Slices between clock readings within one drain. */
const SLICES_PER_READING = 32;

/**
 * One run queue of actors with pending mail. `schedule` is O(1) and allocates
 * nothing; the queue is drained on a microtask, `throughput` messages per actor at a
 * time. The time budget (`sliceMs`) spans every drain of one macrotask turn: actors
 * that keep each other busy through promises (an async actor messaging itself, a
 * supervisor restarting a crashing child) never keep the event loop from timers and
 * I/O for longer than about `sliceMs`. A synchronous handler that never returns
 * cannot be preempted in JavaScript: it holds its thread until it returns.
 */
export class Scheduler {
  #queue = new Mailbox<Runnable>(256);
  #wakePending = false;
  #throughput: number;
  #sliceMs: number;
  /** When this macrotask turn's actor work began (0: not yet measured), and drains since. */
  #turnStart = 0;
  #turnDrains = 0;

  constructor({ throughput = 64, sliceMs = 5 }: SchedulerOptions = {}) {
    this.#throughput = throughput;
    this.#sliceMs = sliceMs;
  }

  /** Queues `actor`; the caller guarantees it is not already queued. */
  schedule(actor: Runnable): void {
    this.#queue.push(actor);
    if (this.#wakePending) return;
    this.#wakePending = true;
    if (++this.#turnDrains % DRAINS_PER_READING === 0 && this.#overBudget()) setImmediate(this.#drain);
    else queueMicrotask(this.#drain);
  }

  /** True once this turn has run actors for `sliceMs` (the first reading starts the turn's clock). */
  #overBudget(): boolean {
    const now = performance.now();
    if (this.#turnStart === 0) {
      this.#turnStart = now;
      setImmediate(this.#newTurn);
      return false;
    }
    return now - this.#turnStart > this.#sliceMs;
  }

  /** A macrotask turn has passed: the budget starts again. */
  #newTurn = (): void => {
    this.#turnStart = 0;
    this.#turnDrains = 0;
  };

  #drain = (): void => {
    const queue = this.#queue;
    let slices = 0;
    while (queue.size > 0) {
      const actor = queue.shift()!;
      if (actor.runSlice(this.#throughput)) queue.push(actor);
      if (++slices % SLICES_PER_READING === 0 && this.#overBudget()) {
        setImmediate(this.#drain);
        return;
      }
    }
    this.#wakePending = false;
  };
}
