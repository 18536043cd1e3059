import type { ActorContext, ActorRef, Behavior, SpawnOptions, Startable } from "./actor.ts";
import type { Clock } from "./clock.ts";
import { type Control, controlOf } from "./_control.ts";
import type { EventStream, SystemEvent } from "./events.ts";
import type { ExitReason } from "./exit_reason.ts";
import type { Host } from "./_host.ts";
import { refusal } from "./_schema.ts";

/** What a context needs of its actor (implemented by the actor cell). */
export interface ContextOwner extends Control {
  readonly parent: Control | undefined;
  readonly abortSignal: AbortSignal;
  readonly stoppingSignal: AbortSignal;
  spawnLinked<N, R extends ActorRef<N>>(
    start: Behavior<unknown, N> | Startable<N, R>,
    options: SpawnOptions | undefined,
  ): R;
  link(other: Control): void;
  unlink(other: Control): void;
  monitor(target: Control): symbol;
  demonitor(monitor: symbol): void;
  timer(ms: number, repeat: boolean, fire: () => void): () => void;
  requestStop(reason: ExitReason): void;
  /** An ask handled by this actor was settled (it no longer waits for a late reply). */
  askSettled(ask: object): void;
}

/**
 * The `ActorContext` of one actor, for messages that came by `send` (and for `init`
 * and `terminate`): `reply` refuses. An ask is handled with a context of its own
 * (`Ask` extends this), so a reply always answers the ask it was given with. Holds no
 * state but its actor: one per actor, created on first use.
 */
export class Context<M> implements ActorContext<M> {
  readonly owner: ContextOwner;
  readonly host: Host;
  constructor(owner: ContextOwner, host: Host) {
    this.owner = owner;
    this.host = host;
  }
  get self(): ActorRef<M> {
    return this.owner.ref as ActorRef<M>;
  }
  get parent(): ActorRef<unknown> | undefined {
    return this.owner.parent?.ref;
  }
  get events(): EventStream<SystemEvent> {
    return this.host.events;
  }
  get signal(): AbortSignal {
    return this.owner.abortSignal;
  }
  get stopping(): AbortSignal {
    return this.owner.stoppingSignal;
  }
  get clock(): Clock {
    return this.host.clock;
  }
  extension<T extends AsyncDisposable>(key: object, create: () => T): T {
    return this.host.extension(key, create);
  }
  get trapExits(): boolean {
    return this.owner.trapExits;
  }
  set trapExits(value: boolean) {
    this.owner.trapExits = value;
  }
  reply(_value: unknown): void {
    throw new TypeError("Cannot reply: the message being handled was sent with send(), not ask()");
  }
  spawn<N, R extends ActorRef<N> = ActorRef<N>>(
    start: Behavior<unknown, N> | Startable<N, R>,
    options?: SpawnOptions,
  ): R {
    return this.owner.spawnLinked(start, options);
  }
  link(ref: ActorRef<unknown>): void {
    this.owner.link(controlOf(ref));
  }
  unlink(ref: ActorRef<unknown>): void {
    this.owner.unlink(controlOf(ref));
  }
  monitor(ref: ActorRef<unknown>): symbol {
    return this.owner.monitor(controlOf(ref));
  }
  demonitor(monitor: symbol): void {
    this.owner.demonitor(monitor);
  }
  sendAfter<N>(ref: ActorRef<N>, message: N, ms: number): () => void {
    if (!(ms >= 0)) throw refusal("sendAfter argument", "ms", "must be a non-negative number of ms", ms, RangeError);
    return this.owner.timer(ms, false, () => ref.send(message));
  }
  sendInterval<N>(ref: ActorRef<N>, message: N, ms: number): () => void {
    if (!(ms > 0)) throw refusal("sendInterval argument", "ms", "must be a positive number of ms", ms, RangeError);
    return this.owner.timer(ms, true, () => ref.send(message));
  }
  stop(reason: ExitReason = "normal"): void {
    this.owner.requestStop(reason);
  }
}
