import type { Clock, TimerHandle } from "./clock.ts";

/** A scheduled callback; `cancel()` is idempotent. */
export interface TimerEntry {
  cancel(): void;
}

/** What a timer runs: a function, or an object whose `onTimer` runs (no closure to allocate). */
export type TimerTask = (() => void) | { onTimer(): void };

/** A bucket of entries due at one whole ms: a circular doubly linked list around itself. */
class Bucket {
  prev: Bucket | Entry = this;
  next: Bucket | Entry = this;
  readonly deadline: number;
  constructor(deadline: number) {
    this.deadline = deadline;
  }
}

class Entry implements TimerEntry {
  prev: Bucket | Entry | undefined;
  next: Bucket | Entry | undefined;
  readonly timers: Timers;
  readonly task: TimerTask;
  constructor(timers: Timers, task: TimerTask) {
    this.timers = timers;
    this.task = task;
  }
  cancel(): void {
    if (this.prev === undefined) return;
    this.prev.next = this.next!;
    this.next!.prev = this.prev;
    this.prev = this.next = undefined;
    this.timers.released();
  }
}

const NEVER: TimerEntry = { cancel() {} };

/**
 * A coarse timer wheel: deadlines are rounded up to the next whole ms and grouped
 * in buckets, and one timer of the system's `Clock` is armed for the earliest bucket.
 * Scheduling and cancelling are O(1) in the common case (deadlines arriving in order)
 * and never touch the OS timer on cancel: a thousand asks in flight cost one timer,
 * and an answered ask costs no clearTimeout. With nothing pending the timer is
 * unref'd, so it never keeps the process alive on its own; the unref waits for a
 * microtask, so a caller that asks again at once (a loop of asks) never toggles it.
 * A delay of `Infinity` never fires; the clock splits delays past its own limit.
 */
export class Timers {
  #buckets = new Map<number, Bucket>();
  #deadlines: number[] = []; // sorted ascending, one per bucket
  #pending = 0;
  #referenced = false;
  #unrefQueued = false;
  #armedFor = Infinity;
  #handle: TimerHandle | undefined;
  #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Runs `task` once, no earlier than `delayMs` from now (never, for `Infinity`). */
  schedule(delayMs: number, task: TimerTask): TimerEntry {
    if (delayMs === Infinity) return NEVER;
    const deadline = Math.ceil(this.#clock.now() + Math.max(0, delayMs));
    let bucket = this.#buckets.get(deadline);
    if (bucket === undefined) {
      bucket = new Bucket(deadline);
      this.#buckets.set(deadline, bucket);
      this.#insertDeadline(deadline);
    }
    const entry = new Entry(this, task);
    entry.prev = bucket.prev;
    entry.next = bucket;
    bucket.prev.next = entry;
    bucket.prev = entry;
    if (++this.#pending === 1 && !this.#referenced && this.#handle !== undefined) {
      this.#handle.ref();
      this.#referenced = true;
    }
    if (deadline < this.#armedFor) this.#arm(deadline);
    return entry;
  }

  /** Called by an entry that was cancelled while pending. */
  released(): void {
    if (--this.#pending === 0 && !this.#unrefQueued) {
      this.#unrefQueued = true;
      queueMicrotask(this.#unrefIfIdle);
    }
  }

  #unrefIfIdle = (): void => {
    this.#unrefQueued = false;
    if (this.#pending === 0 && this.#referenced && this.#handle !== undefined) {
      this.#handle.unref();
      this.#referenced = false;
    }
  };

  #insertDeadline(deadline: number): void {
    const list = this.#deadlines;
    let i = list.length;
    while (i > 0 && list[i - 1] > deadline) i--;
    list.splice(i, 0, deadline);
  }

  #arm(deadline: number): void {
    if (this.#handle !== undefined) this.#clock.clearTimer(this.#handle);
    this.#armedFor = deadline;
    this.#handle = this.#clock.setTimer(this.#fire, Math.max(0, deadline - this.#clock.now()));
    this.#referenced = this.#pending > 0;
    if (!this.#referenced) this.#handle.unref();
  }

  #fire = (): void => {
    this.#handle = undefined;
    this.#armedFor = Infinity;
    const now = this.#clock.now();
    const list = this.#deadlines;
    while (list.length > 0 && list[0] <= now) {
      const bucket = this.#buckets.get(list.shift()!)!;
      this.#buckets.delete(bucket.deadline);
      while (bucket.next !== bucket) {
        const entry = bucket.next as Entry;
        bucket.next = entry.next!;
        entry.next!.prev = bucket;
        entry.prev = entry.next = undefined;
        this.#pending--;
        const task = entry.task;
        if (typeof task === "function") task();
        else task.onTimer();
      }
    }
    while (list.length > 0 && this.#buckets.get(list[0])!.next === this.#buckets.get(list[0])) {
      this.#buckets.delete(list.shift()!);
    }
    if (list.length > 0) this.#arm(list[0]);
  };
}
