/**
 * The physical limit for in-memory messaging: a plain ring-buffer mailbox per actor
 * and one run queue drained on a microtask, doing nothing else (no crash handling,
 * no asks, no links, no events). Our runtime's numbers are reported as a ratio to it.
 */
class Ring<T> {
  items: (T | undefined)[];
  head = 0;
  size = 0;
  /** `capacity` (a power of two) sized to the workload, so the limit never pays for growth. */
  constructor(capacity = 16) {
    this.items = new Array(capacity).fill(undefined);
  }
  push(item: T): void {
    if (this.size === this.items.length) {
      const old = this.items;
      this.items = new Array(old.length * 2).fill(undefined); // packed: fast elements at any size
      for (let i = 0; i < this.size; i++) this.items[i] = old[(this.head + i) & (old.length - 1)];
      this.head = 0;
    }
    this.items[(this.head + this.size++) & (this.items.length - 1)] = item;
  }
  shift(): T | undefined {
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size--;
    return item;
  }
}

export class LimitActor<M> {
  mailbox: Ring<M>;
  queued = false;
  readonly system: LimitSystem;
  readonly handler: (message: M) => void;
  constructor(system: LimitSystem, handler: (message: M) => void, capacity?: number) {
    this.system = system;
    this.handler = handler;
    this.mailbox = new Ring(capacity);
  }
  send(message: M): void {
    this.mailbox.push(message);
    if (!this.queued) {
      this.queued = true;
      this.system.schedule(this as LimitActor<unknown>);
    }
  }
}

export class LimitSystem {
  #queue = new Ring<LimitActor<unknown>>();
  #waking = false;
  spawn<M>(handler: (message: M) => void, capacity?: number): LimitActor<M> {
    return new LimitActor(this, handler, capacity);
  }
  schedule(actor: LimitActor<unknown>): void {
    this.#queue.push(actor);
    if (!this.#waking) {
      this.#waking = true;
      queueMicrotask(this.#drain);
    }
  }
  #drain = (): void => {
    const queue = this.#queue;
    while (queue.size > 0) {
      const actor = queue.shift()!;
      const mailbox = actor.mailbox;
      for (let budget = 64; budget > 0 && mailbox.size > 0; budget--) actor.handler(mailbox.shift());
      if (mailbox.size > 0) queue.push(actor);
      else actor.queued = false;
    }
    this.#waking = false;
  };
}
