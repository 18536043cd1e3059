import { type ActorCell, type ActorRef, cellOf } from "./actor.ts";
import type { ActorSystem } from "./system.ts";

/**
 * A topic broker: `publish(topic, message)` sends `message` to every actor
 * subscribed to `topic`, in subscription order. A subscriber is unsubscribed from
 * every topic when it exits. A message published to a topic nobody subscribes to is
 * a `dead_letter` event (reason `"no_subscribers"`, with the `topic`). Mirrors
 * OTP's `pg` groups used for publish/subscribe.
 *
 * @example
 * ```ts
 * const broker = new Broker(system);
 * broker.subscribe("orders", auditor);
 * broker.publish("orders", { id: 7 }); // 1 (subscribers reached)
 * ```
 */
export class Broker {
  #system: ActorSystem;
  #topics = new Map<string, Set<ActorCell<unknown>>>();
  #topicsOf = new Map<ActorCell<unknown>, Set<string>>();

  constructor(system: ActorSystem) {
    this.#system = system;
  }

  /**
   * Subscribes `ref` to `topic` (idempotent); returns the unsubscribe function.
   * @throws {TypeError} when `topic` is not a non-empty string
   */
  subscribe(topic: string, ref: ActorRef<any>): () => void {
    if (typeof topic !== "string" || topic === "") {
      throw new TypeError(`Cannot subscribe as 'topic' must be a non-empty string: current value is ${JSON.stringify(topic)}`);
    }
    const cell = cellOf(ref);
    if (!cell.alive) return () => {};
    let subscribers = this.#topics.get(topic);
    if (subscribers === undefined) this.#topics.set(topic, subscribers = new Set());
    subscribers.add(cell);
    let topics = this.#topicsOf.get(cell);
    if (topics === undefined) {
      this.#topicsOf.set(cell, topics = new Set());
      cell.onExit(() => this.#forget(cell));
    }
    topics.add(topic);
    return () => this.unsubscribe(topic, ref);
  }

  /** Removes `ref` from `topic` (no-op if it was not subscribed). */
  unsubscribe(topic: string, ref: ActorRef<any>): void {
    const cell = cellOf(ref);
    const subscribers = this.#topics.get(topic);
    subscribers?.delete(cell);
    if (subscribers?.size === 0) this.#topics.delete(topic);
    this.#topicsOf.get(cell)?.delete(topic);
  }

  /** Sends `message` to every subscriber of `topic`; returns how many it reached. */
  publish(topic: string, message: unknown): number {
    const subscribers = this.#topics.get(topic);
    if (subscribers === undefined) {
      this.#system.events.publish({ type: "dead_letter", actor: "", message, reason: "no_subscribers", topic });
      return 0;
    }
    for (const cell of subscribers) cell.send(message);
    return subscribers.size;
  }

  /** Number of actors subscribed to `topic`. */
  subscribers(topic: string): number {
    return this.#topics.get(topic)?.size ?? 0;
  }

  #forget(cell: ActorCell<unknown>): void {
    for (const topic of this.#topicsOf.get(cell) ?? []) {
      const subscribers = this.#topics.get(topic)!;
      subscribers.delete(cell);
      if (subscribers.size === 0) this.#topics.delete(topic);
    }
    this.#topicsOf.delete(cell);
  }
}
