import type { ActorContext, ActorRef, Behavior, SpawnOptions, Startable } from "./actor.ts";
import type { Clock } from "./clock.ts";
import { type Control, controlOf } from "./_control.ts";
import type { EventStream, SystemEvent } from "./events.ts";
import type { ExitReason } from "./exit_reason.ts";
import type { Host } from "./_host.ts";
import type { TimerEntry } from "./_timers.ts";
import { refusal } from "./_schema.ts";

/** What a context needs of its actor (implemented by the actor cell). */
export interface ContextOwner extends Control {
  readonly parent: Control | undefined;
  readonly abortSignal: AbortSignal;
  reply(value: unknown): void;
  spawnLinked<N, R extends ActorRef<N>>(start: Behavior<unknown, N> | Startable<N, R>, options: SpawnOptions | undefined): R;
  link(other: Control): void;
  unlink(other: Control): void;
  addTimer(entry: TimerEntry): void;
  removeTimer(entry: TimerEntry): void;
  requestStop(reason: ExitReason): void;
}

/** The `ActorContext` of one actor; created on first use. */
export class Context<M> implements ActorContext<M> {
  #owner: ContextOwner;
  #host: Host;
  #monitoring: Map<symbol, Control> | undefined;
  constructor(owner: ContextOwner, host: Host) {
    this.#owner = owner;
    this.#host = host;
  }
  get self(): ActorRef<M> {
    return this.#owner.ref as ActorRef<M>;
  }
  get parent(): ActorRef<unknown> | undefined {
    return this.#owner.parent?.ref;
  }
  get events(): EventStream<SystemEvent> {
    return this.#host.events;
  }
  get signal(): AbortSignal {
    return this.#owner.abortSignal;
  }
  get clock(): Clock {
    return this.#host.clock;
  }
  extension<T extends AsyncDisposable>(key: object, create: () => T): T {
    return this.#host.extension(key, create);
  }
  get trapExits(): boolean {
    return this.#owner.trapExits;
  }
  set trapExits(value: boolean) {
    this.#owner.trapExits = value;
  }
  reply(value: unknown): void {
    this.#owner.reply(value);
  }
  spawn<N, R extends ActorRef<N> = ActorRef<N>>(
    start: Behavior<unknown, N> | Startable<N, R>,
    options?: SpawnOptions,
  ): R {
    return this.#owner.spawnLinked(start, options);
  }
  link(ref: ActorRef<unknown>): void {
    this.#owner.link(controlOf(ref));
  }
  unlink(ref: ActorRef<unknown>): void {
    this.#owner.unlink(controlOf(ref));
  }
  monitor(ref: ActorRef<unknown>): symbol {
    const target = controlOf(ref);
    const monitor = Symbol(`monitor ${ref.id}`);
    (this.#monitoring ??= new Map()).set(monitor, target);
    target.addMonitor(monitor, this.#owner);
    return monitor;
  }
  demonitor(monitor: symbol): void {
    this.#monitoring?.get(monitor)?.removeMonitor(monitor);
    this.#monitoring?.delete(monitor);
  }
  /** The target exited and delivered its DownSignal: nothing left to demonitor. */
  monitorFired(monitor: symbol): void {
    this.#monitoring?.delete(monitor);
  }
  sendAfter<N>(ref: ActorRef<N>, message: N, ms: number): () => void {
    if (!(ms >= 0)) throw refusal("sendAfter argument", "ms", "must be a non-negative number of ms", ms, RangeError);
    return this.#timer(ms, false, () => ref.send(message));
  }
  sendInterval<N>(ref: ActorRef<N>, message: N, ms: number): () => void {
    if (!(ms > 0)) throw refusal("sendInterval argument", "ms", "must be a positive number of ms", ms, RangeError);
    return this.#timer(ms, true, () => ref.send(message));
  }
  /** A timer owned by this actor (cancelled when it exits); returns the cancel function. */
  #timer(ms: number, repeat: boolean, fire: () => void): () => void {
    const owner = this.#owner;
    let entry: TimerEntry;
    let cancelled = false;
    const arm = () => {
      entry = this.#host.timers.schedule(ms, () => {
        owner.removeTimer(entry);
        fire();
        if (repeat && !cancelled) arm();
      });
      owner.addTimer(entry);
    };
    arm();
    return () => {
      cancelled = true;
      entry.cancel();
      owner.removeTimer(entry);
    };
  }
  stop(reason: ExitReason = "normal"): void {
    this.#owner.requestStop(reason);
  }
}
