import * as v from "valibot";
import { oneOf, positiveInteger, type Schema } from "./_schema.ts";

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
 * import { Mailbox } from "@airssys/rt";
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

  /** An empty mailbox. @param initialCapacity slots of the first segment. @default 4 */
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

/**
 * A bounded mailbox: at most `capacity` queued messages; a message arriving at a full
 * mailbox is handled by `overflow` and published as a `dead_letter` event with reason
 * `"mailbox_full"`:
 * - `"drop_newest"` drops the arriving message (`send` still returns true);
 * - `"drop_oldest"` drops the oldest queued message and queues the new one (when the
 *   oldest is an exit or down signal, which is never dropped, the new one is dropped);
 * - `"reject"` drops the arriving message and `send` returns false.
 * An ask that is dropped rejects with `MailboxFullError`. Exit and down signals are
 * never dropped and do not count against the capacity. (Akka's bounded mailboxes;
 * OTP has none.)
 *
 * @example
 * ```ts
 * import { ActorSystem } from "@airssys/rt";
 * await using system = new ActorSystem();
 * const slow = system.spawn({ receive: (s) => s }, { mailbox: { capacity: 100, overflow: "drop_oldest" } });
 * ```
 */
export interface MailboxOptions {
  /** Most messages queued at once (exit and down signals not counted). */
  capacity: number;
  /** What happens to a message that arrives at a full mailbox. @default "drop_newest" */
  overflow?: "drop_newest" | "drop_oldest" | "reject";
}

/** The schema of `MailboxOptions` (defaults filled in). */
export const mailboxSchema: Schema<Required<MailboxOptions>> = v.object({
  capacity: positiveInteger,
  overflow: v.optional(oneOf(["drop_newest", "drop_oldest", "reject"] as const), "drop_newest"),
}, "must be an object with a capacity");

/** What `BoundedMailbox.offer` did: the item it dropped (maybe the offered one), and whether the offered one was queued. */
export interface Offer<T> {
  queued: boolean;
  dropped: T | undefined;
}

const QUEUED: Offer<never> = { queued: true, dropped: undefined };

/**
 * A mailbox that applies `MailboxOptions`: `offer` queues or drops by the overflow rule;
 * signals (`isSignal`) always go in and are not counted. Internal to actors.
 */
export class BoundedMailbox<T> extends Mailbox<T> {
  #signals = 0;
  readonly options: Required<MailboxOptions>;
  readonly isSignal: (item: T) => boolean;
  constructor(options: Required<MailboxOptions>, isSignal: (item: T) => boolean) {
    super();
    this.options = options;
    this.isSignal = isSignal;
  }

  /** Queues a signal: never dropped, not counted against the capacity. */
  pushSignal(item: T): void {
    this.#signals++;
    this.push(item);
  }

  /** Offers a message under the overflow rule. */
  offer(item: T): Offer<T> {
    if (this.size - this.#signals < this.options.capacity) {
      this.push(item);
      return QUEUED;
    }
    const { overflow } = this.options;
    if (overflow === "drop_oldest" && !this.isSignal(this.peek()!)) {
      const dropped = this.shift();
      this.push(item);
      return { queued: true, dropped };
    }
    return { queued: overflow !== "reject", dropped: item };
  }

  override shift(): T | undefined {
    const item = super.shift();
    if (item !== undefined && this.#signals > 0 && this.isSignal(item)) this.#signals--;
    return item;
  }
}
