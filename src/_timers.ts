/** A scheduled callback; `cancel()` is idempotent. */
export interface TimerEntry {
  cancel(): void;
}

class Entry implements TimerEntry {
  constructor(readonly bucket: Set<Entry>, readonly fn: () => void, readonly onEmpty: () => void) {}
  cancel(): void {
    if (this.bucket.delete(this) && this.bucket.size === 0) this.onEmpty();
  }
}

/**
 * A coarse timer wheel: deadlines are rounded up to the next whole ms and grouped
 * in buckets, and one `setTimeout` is armed for the earliest bucket. Scheduling and
 * cancelling are O(1) in the common case (deadlines arriving in order), and a
 * thousand asks in flight cost one timer, not a thousand.
 */
export class Timers {
  #buckets = new Map<number, Set<Entry>>();
  #deadlines: number[] = []; // sorted ascending, one per bucket
  #armedFor = Infinity;
  #handle: ReturnType<typeof setTimeout> | undefined;

  /** Runs `fn` once, no earlier than `delayMs` from now. */
  schedule(delayMs: number, fn: () => void): TimerEntry {
    const deadline = Math.ceil(performance.now() + Math.max(0, delayMs));
    let bucket = this.#buckets.get(deadline);
    if (bucket === undefined) {
      bucket = new Set();
      this.#buckets.set(deadline, bucket);
      this.#insertDeadline(deadline);
    }
    const entry = new Entry(bucket, fn, this.#prune);
    bucket.add(entry);
    if (deadline < this.#armedFor) this.#arm(deadline);
    return entry;
  }

  #insertDeadline(deadline: number): void {
    const list = this.#deadlines;
    let i = list.length;
    while (i > 0 && list[i - 1] > deadline) i--;
    list.splice(i, 0, deadline);
  }

  #arm(deadline: number): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#armedFor = deadline;
    this.#handle = setTimeout(this.#fire, Math.max(0, deadline - performance.now()));
  }

  #fire = (): void => {
    this.#handle = undefined;
    this.#armedFor = Infinity;
    const now = performance.now();
    const list = this.#deadlines;
    while (list.length > 0 && list[0] <= now) {
      const deadline = list.shift()!;
      const bucket = this.#buckets.get(deadline)!;
      this.#buckets.delete(deadline);
      for (const entry of bucket) entry.fn();
    }
    this.#prune();
  };

  /** Drops emptied buckets at the head, so an idle system holds no timer. */
  #prune = (): void => {
    const list = this.#deadlines;
    while (list.length > 0 && this.#buckets.get(list[0])!.size === 0) this.#buckets.delete(list.shift()!);
    if (list.length === 0) {
      if (this.#handle !== undefined) clearTimeout(this.#handle);
      this.#handle = undefined;
      this.#armedFor = Infinity;
    } else if (list[0] !== this.#armedFor) this.#arm(list[0]);
  };
}
