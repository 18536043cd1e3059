/**
 * A per-actor FIFO queue: a growable ring buffer (power-of-two capacity) that
 * never shrinks below its initial size. `push` and `shift` are O(1) amortised and
 * allocate nothing except when the buffer doubles.
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
  #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  /** @param initialCapacity slots allocated up front, rounded up to a power of two. @default 4 */
  constructor(initialCapacity = 4) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity <<= 1;
    this.#items = new Array(capacity);
  }

  /** Number of queued messages. */
  get size(): number {
    return this.#size;
  }

  /** Appends a message at the tail. */
  push(item: T): void {
    const items = this.#items;
    if (this.#size === items.length) {
      this.#grow();
      return this.push(item);
    }
    items[(this.#head + this.#size) & (items.length - 1)] = item;
    this.#size++;
  }

  /** Removes and returns the head message, `undefined` when empty. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const items = this.#items;
    const item = items[this.#head];
    items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (items.length - 1);
    this.#size--;
    return item;
  }

  /** Removes and returns every queued message, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    while (this.#size > 0) out.push(this.shift() as T);
    return out;
  }

  #grow(): void {
    const old = this.#items;
    const items = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#size; i++) items[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = items;
    this.#head = 0;
  }
}
