import { clearTimeout, setImmediate, setTimeout } from "node:timers";
import { MAX_TIMER_MS } from "./_deadline.ts";
import { refusal } from "./_schema.ts";

/** A pending timer of a `Clock`: `unref()` lets the process exit while it is pending. */
export interface TimerHandle {
  /** Keeps the process alive while the timer is pending. */
  ref(): unknown;
  /** Lets the process exit while the timer is pending. */
  unref(): unknown;
}

/**
 * The time source of an `ActorSystem`: ask timeouts, `sendAfter` / `sendInterval`,
 * shutdown deadlines and supervisor intensity windows all read it. `now()` is in ms
 * and monotonic. The default is the real clock; `ManualClock` is for tests.
 */
export interface Clock {
  /** The current time in ms, monotonic. */
  now(): number;
  /** Calls `fn` once after `ms`. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer `setTimer` returned. */
  clearTimer(handle: TimerHandle): void;
}

/**
 * Real time: `performance.now()` and `node:timers`. A timer longer than the host's
 * limit (2^31-1 ms) wakes at the limit; the timer wheel then re-arms for what is left.
 */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.min(ms, MAX_TIMER_MS)),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

class ManualTimer implements TimerHandle {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  constructor(at: number, seq: number, fn: () => void) {
    this.at = at;
    this.seq = seq;
    this.fn = fn;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/**
 * A clock that moves only when told: `advance(ms)` fires the timers that fall due in
 * order, each at its own deadline, and lets the actors run between them. For tests of
 * supervision trees (intensity windows, ask timeouts, delayed sends) without sleeping.
 *
 * @example
 * ```ts
 * import { ActorSystem, AskTimeoutError, ManualClock } from "@airssys/rt";
 * const clock = new ManualClock();
 * await using system = new ActorSystem({ clock });
 * const silent = system.spawn({ receive: (s) => s });
 * const pending = silent.ask("ping", { timeoutMs: 5000 }).catch((e: unknown) => e);
 * await clock.advance(5000); // the ask times out now, no real wait
 * console.log((await pending) instanceof AskTimeoutError); // true
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: ManualTimer[] = [];

  /** A clock at `startMs` (@default 0), the initial reading of `now()`. */
  constructor(startMs = 0) {
    this.#now = startMs;
  }

  /** The virtual time, in ms. */
  now(): number {
    return this.#now;
  }

  /** Calls `fn` when `advance` reaches `ms` from now. */
  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = new ManualTimer(this.#now + Math.max(0, ms), ++this.#seq, fn);
    this.#timers.push(timer);
    return timer;
  }

  /** Cancels a timer `setTimer` returned. */
  clearTimer(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t !== handle);
  }

  /**
   * Moves time forward by `ms`, firing every timer due by then in deadline order
   * (timers set by those timers included), and resolves once the actors have
   * handled what the timers sent.
   * @throws {RangeError} when `ms` is negative
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw refusal("advance argument", "ms", "must be a non-negative number of ms", ms, RangeError);
    const target = this.#now + ms;
    await settle();
    while (true) {
      const due = this.#timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = due.at;
      due.fn();
      await settle();
    }
    this.#now = target;
    await settle();
  }
}

/** Lets pending microtasks and the actors' scheduler run (one macrotask turn). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
