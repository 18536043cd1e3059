import type { ActorRef, Behavior, SpawnOptions, Startable } from "./actor.ts";
import type { ActorCell } from "./_cell.ts";
import { spawnActor } from "./_spawn.ts";
import { type Clock, realClock } from "./clock.ts";
import { EventStream, type SystemEvent } from "./events.ts";
import type { ExitReason } from "./exit_reason.ts";
import { Scheduler, type SchedulerOptions } from "./scheduler.ts";
import { stopChild } from "./_stop_child.ts";
import { LiveActors } from "./_live_actors.ts";
import { Timers } from "./_timers.ts";
import { refusal } from "./_schema.ts";
import type { Host } from "./_host.ts";

/** What `ActorSystem.stats()` returns. */
export interface SystemStats {
  /** Live actors. */
  actors: number;
  /** Messages waiting in all mailboxes. */
  mailboxDepth: number;
  /** Dead letters since the system started. */
  deadLetters: number;
  /** Messages handled since the system started. */
  processed: number;
}

/** Options of `new ActorSystem()`. */
export interface ActorSystemOptions extends SchedulerOptions {
  /** Time source for timeouts, timers, deadlines and intensity windows. @default realClock */
  clock?: Clock;
  /**
   * How long `shutdown()` waits for each root worker to stop before killing it, in
   * ms; root supervisors get `"infinity"` (their children's own `shutdown` applies),
   * as OTP's defaults for child specs. @default 5000
   */
  shutdownTimeoutMs?: number;
}

/**
 * The actor system: ids, the name registry, the scheduler, timers, dead letters
 * and events. Every actor belongs to one system; `shutdown()` (or `await using`)
 * stops every root actor in reverse start order, then anything left.
 *
 * @example
 * ```ts
 * await using system = new ActorSystem();
 * const echo = system.spawn({ receive: (_s, msg: string, ctx) => ctx.reply(msg) });
 * console.log(await echo.ask("hi")); // "hi"
 * ```
 */
export class ActorSystem implements AsyncDisposable {
  /** System events (`actor_started`, `child_restarted`, `dead_letter`, ...). */
  readonly events: EventStream<SystemEvent> = new EventStream((error, event) =>
    this.events.publish({ type: "listener_failed", error, event: event.type })
  );
  #names = new Map<string, ActorRef<unknown>>();
  #live = new LiveActors();
  #shutdownTimeoutMs: number;
  #host: Host;
  #shuttingDown: Promise<void> | undefined;
  #extensions: Map<object, AsyncDisposable> | undefined = new Map();

  /** A system with no actor yet. @throws {RangeError} when an option is out of range */
  constructor(options: ActorSystemOptions = {}) {
    const { shutdownTimeoutMs = 5000, clock = realClock } = options;
    if (!(shutdownTimeoutMs >= 0)) {
      throw refusal(
        "actor system options",
        "shutdownTimeoutMs",
        "must be a non-negative number of ms",
        shutdownTimeoutMs,
        RangeError,
      );
    }
    this.#shutdownTimeoutMs = shutdownTimeoutMs;
    let ids = 0;
    const events = this.events;
    const names = this.#names;
    const live = this.#live;
    this.#host = {
      extension: (key, create) => this.extension(key, create),
      clock,
      scheduler: new Scheduler(options),
      timers: new Timers(clock),
      events,
      counters: { processed: 0, deadLetters: 0 },
      nextId: () => ++ids,
      register(name, ref) {
        if (names.has(name)) {
          throw refusal("spawn options", "name", "is already registered", name);
        }
        names.set(name, ref);
      },
      spawned(actor) {
        live.add(actor);
        if (events.observed) events.publish({ type: "actor_started", actor: actor.id, name: actor.name });
      },
      exited(actor, reason: ExitReason) {
        live.delete(actor);
        if (actor.name !== undefined && names.get(actor.name) === actor.ref) names.delete(actor.name);
        if (events.observed) events.publish({ type: "actor_exited", actor: actor.id, name: actor.name, reason });
      },
      spawn: (start, options, parent) =>
        spawnActor(this.#host, start, options, parent as ActorCell<unknown> | undefined),
      deadLetter(actor, message, reason) {
        this.counters.deadLetters++;
        events.publish({ type: "dead_letter", actor, message, reason });
      },
    };
  }

  /**
   * Starts an actor from a behaviour or a `Startable` (e.g. `supervisor(...)`,
   * `osProcess(...)`), and returns its ref at once; `init` runs on the scheduler.
   *
   * @throws {TypeError} when `options.name` is already registered, or `start` is no behaviour.
   */
  // deno-lint-ignore no-explicit-any
  spawn<M, R extends ActorRef<M> = ActorRef<M>>(start: Behavior<any, M> | Startable<M, R>, options?: SpawnOptions): R {
    if (this.#shuttingDown !== undefined) throw new TypeError("Cannot spawn: the actor system is shutting down");
    return spawnActor(this.#host, start, options, undefined);
  }

  /**
   * The system's one instance of a service, created by `create` on first use and
   * disposed at the end of `shutdown()`, after every actor has stopped (in reverse
   * creation order). The OS layer keeps its orphan reaper here; `key` is any object
   * the service's module owns (Akka's extensions).
   *
   * @example
   * ```ts
   * import { ActorSystem } from "@airssys/rt";
   * class ConnectionPool implements AsyncDisposable {
   *   async [Symbol.asyncDispose]() {} // closes the connections
   * }
   * const KEY = {};
   * await using system = new ActorSystem();
   * const pool = system.extension(KEY, () => new ConnectionPool()); // the same object at each call
   * ```
   */
  extension<T extends AsyncDisposable>(key: object, create: () => T): T {
    const extensions = this.#extensions;
    if (extensions === undefined) throw new TypeError("Cannot use an extension: the actor system has shut down");
    let found = extensions.get(key);
    if (found === undefined) extensions.set(key, found = create());
    return found as T;
  }

  /**
   * What the system is doing, for monitoring (OTP's `erlang:system_info/1` and
   * `process_info/2` counts, summed): live actors, messages waiting in their mailboxes,
   * dead letters and messages processed since the system started.
   *
   * @example
   * ```ts
   * import { ActorSystem } from "@airssys/rt";
   * await using system = new ActorSystem();
   * console.log(system.stats()); // { actors: 0, mailboxDepth: 0, deadLetters: 0, processed: 0 }
   * ```
   */
  stats(): SystemStats {
    let actors = 0, mailboxDepth = 0;
    for (const actor of this.#live.toArray()) {
      actors++;
      mailboxDepth += (actor.ref as ActorRef<unknown>).mailboxSize;
    }
    const { processed, deadLetters } = this.#host.counters;
    return { actors, mailboxDepth, deadLetters, processed };
  }

  /** The live actor registered under `name` (OTP's `whereis/1`). */
  whereis(name: string): ActorRef<unknown> | undefined {
    return this.#names.get(name);
  }

  /**
   * Stops every root actor in reverse start order (each as a supervisor stops a
   * child: workers get `shutdownTimeoutMs`, then a kill; supervisors wait for their
   * own children), then stops whatever is still alive. Idempotent.
   */
  shutdown(): Promise<void> {
    return this.#shuttingDown ??= this.#shutdown();
  }

  async #shutdown(): Promise<void> {
    for (const root of this.#live.toArray().filter((actor) => actor.parent === undefined).reverse()) {
      await stopChild(root.ref, root.type === "supervisor" ? "infinity" : this.#shutdownTimeoutMs);
    }
    await Promise.all(this.#live.toArray().map((actor) => stopChild(actor.ref, this.#shutdownTimeoutMs)));
    const extensions = [...this.#extensions!.values()].reverse();
    this.#extensions = undefined;
    for (const extension of extensions) await extension[Symbol.asyncDispose]();
  }

  /** Same as `shutdown()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
