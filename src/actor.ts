import type { Clock } from "./clock.ts";
import type { EventStream, SystemEvent } from "./events.ts";
import type { ExitReason } from "./exit_reason.ts";
import type { MailboxOptions } from "./mailbox.ts";

// The public contract of actors: behaviours, refs, contexts and what starts an actor.
// Implementations live in _cell.ts (the actor), _context.ts and _ask.ts.

/**
 * What `init` returns to decline to start (OTP's `ignore`): the actor exits with
 * `"normal"` at once, and a supervisor keeps the child's spec with no actor behind it.
 *
 * @example
 * ```ts
 * import { type Behavior, IGNORE } from "@airssys/rt";
 * const optional: Behavior<number, "tick"> = {
 *   init: () => (Math.random() < 0.5 ? IGNORE : 0),
 *   receive: (n) => n + 1,
 * };
 * ```
 */
export const IGNORE: unique symbol = Symbol("ignore");

/**
 * An actor's behaviour: OTP's `gen_server` callbacks reduced to three.
 *
 * - `init(ctx)` returns the initial state (or a promise of it); a throw fails the start;
 *   `IGNORE` declines to start (OTP's `ignore`).
 * - `receive(state, message, ctx)` returns the next state. A throw crashes the actor
 *   (exit reason `{ error }`). A returned promise parks the actor until it settles:
 *   one message at a time, always.
 * - `terminate(state, reason, ctx)` runs on an orderly stop or a crash (not on
 *   `"killed"`, as in OTP); the actor exits once it settles.
 *
 * @example
 * ```ts
 * import type { Behavior } from "@airssys/rt";
 * const counter: Behavior<number, "inc" | "get"> = {
 *   init: () => 0,
 *   receive(n, msg, ctx) {
 *     if (msg === "get") ctx.reply(n);
 *     return msg === "inc" ? n + 1 : n;
 *   },
 * };
 * ```
 */
export interface Behavior<S, M> {
  /** Returns the initial state, or `IGNORE`; a throw or rejection fails the start. */
  init?(ctx: ActorContext<M>): S | typeof IGNORE | Promise<S | typeof IGNORE>;
  /** Handles one message and returns the next state; a throw crashes the actor. */
  receive(state: S, message: M, ctx: ActorContext<M>): S | Promise<S>;
  /** Cleans up on an orderly stop or a crash (not on `"killed"`). */
  terminate?(state: S, reason: ExitReason, ctx: ActorContext<M>): void | Promise<void>;
}

/**
 * Facts a child reports for its row of `SupervisorRef.whichChildren()`, read at each
 * call. The OS layer reports the `pid` and the latest resource `sample` of a process.
 */
export interface ChildFacts {
  /** OS process id, for OS process children. */
  pid?: number;
  /** Latest resource sample (`cpuPercent`, `rssBytes`, `timestamp`), for OS process children. */
  sample?: Readonly<Record<string, number>>;
  /**
   * Why the child cannot be healthy right now, whatever its liveness check says (an OS
   * process stopped by SIGSTOP, or a zombie); the supervisor fails the liveness check of
   * a child that stays so for a whole interval.
   */
  unhealthy?: string;
}

/** What `Startable.instantiate` returns: the new actor's behaviour and the ref handed out. */
export interface Instance<M, R extends ActorRef<M>> {
  /** The behaviour of this incarnation. */
  behavior: Behavior<unknown, M>;
  /** The ref `spawn` returns (a richer one than the plain ref, e.g. `SupervisorRef`). */
  ref: R;
  /** Reports this child's facts for `whichChildren()` rows (the hook the OS layer uses). */
  facts?: () => ChildFacts;
}

/**
 * A recipe for an actor that is more than a behaviour (a supervisor, an OS process):
 * called once per start with the new actor's plain ref, it returns a fresh behaviour
 * and the (possibly richer) ref that `spawn` returns. `type` is the default
 * `ChildSpec.type` when used as a supervisor child.
 *
 * @example
 * ```ts
 * import { type ActorRef, type Startable } from "@airssys/rt";
 * const echo: Startable<string> = {
 *   type: "worker",
 *   instantiate: (ref: ActorRef<string>) => ({ behavior: { receive: (s, m, ctx) => (ctx.reply(m), s) }, ref }),
 * };
 * ```
 */
export interface Startable<M, R extends ActorRef<M> = ActorRef<M>> {
  /** `"supervisor"` for supervisors; the default `ChildSpec.type`. */
  readonly type: "worker" | "supervisor";
  /** Builds one incarnation. */
  instantiate(ref: ActorRef<M>): Instance<M, R>;
}

/** Options of `ActorSystem.spawn` and `ActorContext.spawn`. */
export interface SpawnOptions {
  /** A name registered in the system (`whereis`); a taken name throws. Released on exit. @default none */
  name?: string;
  /** Bounds the mailbox (see `MailboxOptions`). @default unbounded */
  mailbox?: MailboxOptions;
}

/** Options of `ActorRef.ask`. */
export interface AskOptions {
  /** Time to wait for the reply, in ms; `"infinity"` waits forever. @default 5000 (as `gen_server:call/2`) */
  timeoutMs?: number | "infinity";
  /** Abandons the ask; the promise rejects with `signal.reason`. @default none */
  signal?: AbortSignal;
}

/**
 * The handle to an actor. Cheap to copy, safe to keep after the actor exits.
 *
 * - `send(message)` enqueues and returns true; to a dead actor it publishes a
 *   `dead_letter` event, does not throw and returns false (OTP's `!`). A bounded
 *   mailbox's `"reject"` rule also returns false (see `MailboxOptions`).
 * - `mailboxSize`: messages waiting, for monitoring.
 * - `ask(message, options)` resolves with the value the actor passes to
 *   `ctx.reply` (OTP's `gen_server:call`); rejects with `AskTimeoutError` after
 *   `timeoutMs`, with `ActorStoppedError` if the actor is or goes down first.
 * - `stop(reason)` asks for an orderly stop after the current message (terminate
 *   runs); `"killed"` stops at once. Resolves when the actor has exited.
 *
 * @example
 * ```ts
 * import { ActorSystem } from "@airssys/rt";
 * await using system = new ActorSystem();
 * const echo = system.spawn<string>({ receive: (s, msg, ctx) => (ctx.reply(msg), s) });
 * console.log(await echo.ask("hi")); // "hi"
 * ```
 */
export interface ActorRef<M> {
  /** `<n>`, unique within the system. */
  readonly id: string;
  /** The registered name, if spawned with one. */
  readonly name?: string;
  /** False once the actor has exited. */
  readonly alive: boolean;
  /** Messages waiting in the mailbox. */
  readonly mailboxSize: number;
  /** Enqueues `message`; false (and a `dead_letter` event) when it was not queued. Never throws. */
  send(message: M): boolean;
  /** Sends `message` and resolves with the actor's `ctx.reply` value. */
  ask<R>(message: M, options?: AskOptions): Promise<R>;
  /** Orderly stop (`"killed"`: at once); resolves once the actor has exited. */
  stop(reason?: ExitReason): Promise<void>;
}

/**
 * What a behaviour's callbacks get besides state and message.
 *
 * - `spawn` starts a linked actor (OTP's `spawn_link`).
 * - `link` / `unlink`: bidirectional; an abnormal exit (any reason but `"normal"`)
 *   kills linked actors that do not trap exits; trapping ones get an `ExitSignal`.
 * - `monitor` / `demonitor`: one `DownSignal` when the target exits.
 * - `sendAfter(ref, message, ms)` and `sendInterval(ref, message, ms)` return a
 *   cancel function; pending timers are cancelled when this actor exits (OTP's
 *   `erlang:send_after/3` and `timer:send_interval/3`).
 * - `signal` aborts when this actor exits, for whatever reason (even `"killed"`);
 *   `stopping` aborts earlier, as soon as a stop is requested.
 * - `clock` is the system's time source (real, or a `ManualClock` in tests).
 * - `extension(key, create)`: the system's one instance of a service (see
 *   `ActorSystem.extension`).
 * - `stop(reason)` stops this actor once the current callback returns.
 */
export interface ActorContext<M> {
  /** This actor's ref. */
  readonly self: ActorRef<M>;
  /** The actor that spawned this one (linked to it), if any. */
  readonly parent: ActorRef<unknown> | undefined;
  /** The system's events. */
  readonly events: EventStream<SystemEvent>;
  /** Aborts when this actor exits. */
  readonly signal: AbortSignal;
  /**
   * Aborts as soon as a stop of this actor is requested (before `terminate` runs), or it
   * exits: a long wait in `init` or in a handler (a readiness probe, a child's start) can
   * give up, so a stop is never held up by a start.
   */
  readonly stopping: AbortSignal;
  /** The system's time source. */
  readonly clock: Clock;
  /** Exit signals arrive as `ExitSignal` messages instead of killing this actor (`process_flag(trap_exit)`). */
  trapExits: boolean;
  /** Answers the ask being handled. @throws {TypeError} when the message came by `send` */
  reply(value: unknown): void;
  /** Starts an actor linked to this one (`spawn_link`). */
  spawn<N, R extends ActorRef<N> = ActorRef<N>>(
    // deno-lint-ignore no-explicit-any
    start: Behavior<any, N> | Startable<N, R>,
    options?: SpawnOptions,
  ): R;
  /** Links this actor and `ref` (`link/1`). */
  link(ref: ActorRef<unknown>): void;
  /** Removes a link (`unlink/1`). */
  unlink(ref: ActorRef<unknown>): void;
  /** Monitors `ref`: one `DownSignal` when it exits (`monitor/2`); returns the monitor's key. */
  monitor(ref: ActorRef<unknown>): symbol;
  /** Removes a monitor (`demonitor/1`). */
  demonitor(monitor: symbol): void;
  /** Sends `message` to `ref` after `ms` (`erlang:send_after/3`); returns the cancel function. @throws {RangeError} bad `ms` */
  sendAfter<N>(ref: ActorRef<N>, message: N, ms: number): () => void;
  /** Sends `message` to `ref` every `ms` (`timer:send_interval/3`); returns the cancel function. @throws {RangeError} bad `ms` */
  sendInterval<N>(ref: ActorRef<N>, message: N, ms: number): () => void;
  /** The system's one instance of a service (see `ActorSystem.extension`). */
  extension<T extends AsyncDisposable>(key: object, create: () => T): T;
  /** Stops this actor once the current callback returns. */
  stop(reason?: ExitReason): void;
}
