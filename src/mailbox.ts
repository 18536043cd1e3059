const MAX_SEGMENT = 1024;

class Segment<T> {
  readonly items: (T | undefined)[];
  next: Segment<T> | undefined;
  constructor(capacity: number) {
    this.items = new Array(capacity);
  }
}

/**
 * A per-actor FIFO queue: a chain of array segments (the first `initialCapacity`
 * slots, then doubling up to 1024 per segment). `push` and `shift` are O(1) and
 * never copy: a backlog grows by adding segments and shrinks as they are consumed,
 * and an actor that keeps up reuses its first segment forever.
 *
 * @example
 * ```ts
 * const box = new Mailbox<string>();
 * box.push("a"); box.push("b");
 * box.shift(); // "a"
 * box.size;    // 1
 * ```
 */
export class Mailbox<T> {
  #head: Segment<T>;
  #tail: Segment<T>;
  #headIndex = 0;
  #tailIndex = 0;
  #size = 0;

  /** @param initialCapacity slots of the first segment. @default 4 */
  constructor(initialCapacity = 4) {
    this.#head = this.#tail = new Segment(Math.max(1, Math.min(initialCapacity, MAX_SEGMENT)));
  }

  /** Number of queued messages. */
  get size(): number {
    return this.#size;
  }

  /** Appends a message at the tail. */
  push(item: T): void {
    let tail = this.#tail;
    if (this.#tailIndex === tail.items.length) {
      tail = tail.next = new Segment(Math.min(tail.items.length * 2, MAX_SEGMENT));
      this.#tail = tail;
      this.#tailIndex = 0;
    }
    tail.items[this.#tailIndex++] = item;
    this.#size++;
  }

  /** The head message without removing it, `undefined` when empty. */
  peek(): T | undefined {
    if (this.#size === 0) return undefined;
    const head = this.#head;
    return this.#headIndex === head.items.length ? head.next!.items[0] : head.items[this.#headIndex];
  }

  /** Removes and returns the head message, `undefined` when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    let head = this.#head;
    if (this.#headIndex === head.items.length) {
      head = this.#head = head.next!;
      this.#headIndex = 0;
    }
    const item = head.items[this.#headIndex];
    head.items[this.#headIndex++] = undefined;
    if (--this.#size === 0) this.#headIndex = this.#tailIndex = 0; // head === tail here: reuse it
    return item;
  }

  /** Removes and returns every queued message, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.#size > 0) out.push(this.shift() as T);
    return out;
  }
}
