import type { ActorRef } from "./actor.ts";
import { type Control, controlOf } from "./_control.ts";
import { refusal } from "./_schema.ts";
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
 * import { ActorSystem, Broker } from "@airssys/rt";
 * await using system = new ActorSystem();
 * const auditor = system.spawn<{ id: number }>({ receive: (s, order) => (console.log(order.id), s) });
 * const broker = new Broker(system);
 * broker.subscribe("orders", auditor);
 * broker.publish("orders", { id: 7 }); // 1 (subscribers reached)
 * ```
 */
export class Broker {
  #system: ActorSystem;
  #topics = new Map<string, Set<Control>>();
  #topicsOf = new Map<Control, Set<string>>();

  /** A broker publishing on `system`'s actors (dead letters go to its events). */
  constructor(system: ActorSystem) {
    this.#system = system;
  }

  /**
   * Subscribes `ref` to `topic` (idempotent); returns the unsubscribe function.
   * @throws {TypeError} when `topic` is not a non-empty string
   */
  subscribe(topic: string, ref: ActorRef<unknown>): () => void {
    if (typeof topic !== "string" || topic === "") {
      throw refusal("subscription", "topic", "must be a non-empty string", topic);
    }
    const actor = controlOf(ref);
    if (!actor.alive) return () => {};
    let subscribers = this.#topics.get(topic);
    if (subscribers === undefined) this.#topics.set(topic, subscribers = new Set());
    subscribers.add(actor);
    let topics = this.#topicsOf.get(actor);
    if (topics === undefined) {
      this.#topicsOf.set(actor, topics = new Set());
      actor.onExit(() => this.#forget(actor));
    }
    topics.add(topic);
    return () => this.unsubscribe(topic, ref);
  }

  /** Removes `ref` from `topic` (no-op if it was not subscribed). */
  unsubscribe(topic: string, ref: ActorRef<unknown>): void {
    const actor = controlOf(ref);
    const subscribers = this.#topics.get(topic);
    subscribers?.delete(actor);
    if (subscribers?.size === 0) this.#topics.delete(topic);
    this.#topicsOf.get(actor)?.delete(topic);
  }

  /** Sends `message` to every subscriber of `topic`; returns how many it reached. */
  publish(topic: string, message: unknown): number {
    const subscribers = this.#topics.get(topic);
    if (subscribers === undefined) {
      this.#system.events.publish({ type: "dead_letter", actor: "", message, reason: "no_subscribers", topic });
      return 0;
    }
    for (const actor of subscribers) actor.ref.send(message);
    return subscribers.size;
  }

  /** Number of actors subscribed to `topic`. */
  subscribers(topic: string): number {
    return this.#topics.get(topic)?.size ?? 0;
  }

  #forget(actor: Control): void {
    for (const topic of this.#topicsOf.get(actor) ?? []) {
      const subscribers = this.#topics.get(topic)!;
      subscribers.delete(actor);
      if (subscribers.size === 0) this.#topics.delete(topic);
    }
    this.#topicsOf.delete(actor);
  }
}
