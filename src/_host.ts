import type { ActorRef, Behavior, SpawnOptions, Startable } from "./actor.ts";
import type { Clock } from "./clock.ts";
import type { DeadLetterReason, EventStream, SystemEvent } from "./events.ts";
import type { ExitReason } from "./exit_reason.ts";
import type { Scheduler } from "./scheduler.ts";
import type { Timers } from "./_timers.ts";

/** An actor as its system keeps it: in spawn order (an intrusive list) and by name. */
export interface HostedActor {
  readonly id: string;
  readonly name: string | undefined;
  readonly ref: ActorRef<unknown>;
  readonly parent: HostedActor | undefined;
  readonly type: "worker" | "supervisor";
  /** Neighbours in the system's list of live actors (kept by the system). */
  prevLive: HostedActor | undefined;
  nextLive: HostedActor | undefined;
}

/** What an actor needs from its system (implemented privately by `ActorSystem`). */
export interface Host {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly timers: Timers;
  readonly events: EventStream<SystemEvent>;
  /** Running totals, for `ActorSystem.stats()`. */
  readonly counters: { processed: number; deadLetters: number };
  nextId(): number;
  /** @throws {TypeError} when `name` is taken */
  register(name: string, ref: ActorRef<unknown>): void;
  spawned(actor: HostedActor): void;
  exited(actor: HostedActor, reason: ExitReason): void;
  deadLetter(actor: string, message: unknown, reason: DeadLetterReason): void;
  extension<T extends AsyncDisposable>(key: object, create: () => T): T;
  /** Spawns an actor, linked to `parent` when given (see `spawnActor`). */
  spawn<M, R extends ActorRef<M>>(
    start: Behavior<unknown, M> | Startable<M, R>,
    options: SpawnOptions | undefined,
    parent?: HostedActor,
  ): R;
}
