import { ActorStoppedError, AskTimeoutError, MailboxFullError } from "./errors.ts";
import type { DeadLetterReason, SystemEvent } from "./events.ts";
import type { EventStream } from "./events.ts";
import type { Clock } from "./clock.ts";
import type { ExitReason } from "./exit_reason.ts";
import { Mailbox } from "./mailbox.ts";
import type { Runnable, Scheduler } from "./scheduler.ts";
import type { Timers, TimerEntry } from "./_timers.ts";

/**
 * What `init` returns to decline to start (OTP's `ignore`): the actor exits with
 * `"normal"` at once, and a supervisor keeps the child's spec with no actor behind it.
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
  init?(ctx: ActorContext<M>): S | typeof IGNORE | Promise<S | typeof IGNORE>;
  receive(state: S, message: M, ctx: ActorContext<M>): S | Promise<S>;
  terminate?(state: S, reason: ExitReason, ctx: ActorContext<M>): void | Promise<void>;
}

/** What `Startable.instantiate` returns: the new actor's behaviour and the ref handed out. */
export interface Instance<M, R extends ActorRef<M>> {
  behavior: Behavior<any, M>;
  ref: R;
}

/**
 * A recipe for an actor that is more than a behaviour (a supervisor, an OS process):
 * called once per start with the new actor's plain ref, it returns a fresh behaviour
 * and the (possibly richer) ref that `spawn` returns. `type` is the default
 * `ChildSpec.type` when used as a supervisor child.
 */
export interface Startable<M, R extends ActorRef<M> = ActorRef<M>> {
  readonly type: "worker" | "supervisor";
  instantiate(ref: ActorRef<M>): Instance<M, R>;
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
 * never dropped and do not count against the capacity.
 * @default overflow "drop_newest"
 */
export interface MailboxOptions {
  capacity: number;
  overflow?: "drop_newest" | "drop_oldest" | "reject";
}

/** Options of `ActorSystem.spawn` and `ActorContext.spawn`. */
export interface SpawnOptions {
  /** A name registered in the system (`whereis`); taken names throw. Released on exit. */
  name?: string;
  /** Bound the mailbox (default: unbounded). @throws {RangeError | TypeError} when invalid */
  mailbox?: MailboxOptions;
}

/** Options of `ActorRef.ask`. */
export interface AskOptions {
  /** Time to wait for the reply, in ms. @default 5000 (as `gen_server:call/2`) */
  timeoutMs?: number;
  /** Abandons the ask; the promise rejects with `signal.reason`. */
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
 */
export interface ActorRef<M> {
  readonly id: string;
  readonly name?: string;
  readonly alive: boolean;
  readonly mailboxSize: number;
  send(message: M): boolean;
  ask<R>(message: M, options?: AskOptions): Promise<R>;
  stop(reason?: ExitReason): Promise<void>;
}

/**
 * An exit signal delivered as a message to an actor that traps exits
 * (OTP's `{'EXIT', Pid, Reason}`).
 */
export class ExitSignal {
  readonly type = "exit";
  constructor(readonly from: ActorRef<unknown>, readonly reason: ExitReason) {}
}

/**
 * The one-shot message a monitor delivers when the monitored actor exits
 * (OTP's `{'DOWN', MonitorRef, process, Pid, Reason}`); `"noproc"` if it was
 * already dead when monitored.
 */
export class DownSignal {
  readonly type = "down";
  constructor(
    readonly monitor: symbol,
    readonly ref: ActorRef<unknown>,
    readonly reason: ExitReason | "noproc",
  ) {}
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
 *   `erlang:send_after/3` and `timer:send_interval/3`). @throws {RangeError} bad `ms`.
 * - `signal` aborts when this actor exits, for whatever reason (even `"killed"`).
 * - `clock` is the system's time source (real, or a `ManualClock` in tests).
 * - `extension(key, create)`: the system's one instance of a service (see
 *   `ActorSystem.extension`).
 * - `stop(reason)` stops this actor once the current callback returns.
 */
export interface ActorContext<M> {
  readonly self: ActorRef<M>;
  readonly parent: ActorRef<unknown> | undefined;
  readonly events: EventStream<SystemEvent>;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  trapExits: boolean;
  reply(value: unknown): void;
  spawn<N, R extends ActorRef<N> = ActorRef<N>>(
    start: Behavior<any, N> | Startable<N, R>,
    options?: SpawnOptions,
  ): R;
  link(ref: ActorRef<unknown>): void;
  unlink(ref: ActorRef<unknown>): void;
  monitor(ref: ActorRef<unknown>): symbol;
  demonitor(monitor: symbol): void;
  sendAfter<N>(ref: ActorRef<N>, message: N, ms: number): () => void;
  sendInterval<N>(ref: ActorRef<N>, message: N, ms: number): () => void;
  extension<T extends AsyncDisposable>(key: object, create: () => T): T;
  stop(reason?: ExitReason): void;
}

/** What an actor needs from its system (implemented privately by `ActorSystem`). */
export interface Host {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly timers: Timers;
  readonly events: EventStream<SystemEvent>;
  nextId(): number;
  register(name: string, ref: ActorRef<unknown>): void;
  spawned(cell: ActorCell<any>): void;
  exited(cell: ActorCell<any>, reason: ExitReason): void;
  deadLetter(actor: string, message: unknown, reason: DeadLetterReason): void;
  extension<T extends AsyncDisposable>(key: object, create: () => T): T;
}

/**
 * A ref that forwards to another one; the base of richer refs (`SupervisorRef`,
 * `OsProcessRef`) returned by `Startable.instantiate`.
 */
export class ForwardingRef<M> implements ActorRef<M> {
  constructor(readonly target: ActorRef<M>) {}
  get id(): string {
    return this.target.id;
  }
  get name(): string | undefined {
    return this.target.name;
  }
  get alive(): boolean {
    return this.target.alive;
  }
  get mailboxSize(): number {
    return this.target.mailboxSize;
  }
  send(message: M): boolean {
    return this.target.send(message);
  }
  ask<R>(message: M, options?: AskOptions): Promise<R> {
    return this.target.ask<R>(message, options);
  }
  stop(reason?: ExitReason): Promise<void> {
    return this.target.stop(reason);
  }
}

class Ask {
  replied = false;
  timer: TimerEntry | undefined;
  signal: AbortSignal | undefined;
  constructor(
    readonly message: unknown,
    readonly resolve: (value: any) => void,
    readonly reject: (error: unknown) => void,
  ) {}
  onAbort: (() => void) | undefined;
  listen(signal: AbortSignal): void {
    this.signal = signal;
    this.onAbort = () => this.fail(signal.reason);
    signal.addEventListener("abort", this.onAbort, { once: true });
  }
  /**
   * Settles once: resolves or rejects first, then releases the timer and listener (so
   * an asker that asks again at once re-arms the timer before it could be unref'd).
   */
  succeed(value: unknown): void {
    if (this.replied) return;
    this.replied = true;
    this.resolve(value);
    this.#release();
  }
  fail(error: unknown): void {
    if (this.replied) return;
    this.replied = true;
    this.reject(error);
    this.#release();
  }
  #release(): void {
    this.timer?.cancel();
    if (this.onAbort !== undefined) this.signal!.removeEventListener("abort", this.onAbort);
  }
}

const INIT = 0, RUNNING = 1, STOPPING = 2, DEAD = 3;

type StartOutcome = "started" | "ignored" | { failed: unknown };

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function";
}

/** Finds the cell behind a (possibly forwarding) ref. */
export function cellOf(ref: ActorRef<unknown>): ActorCell<unknown> {
  let r = ref;
  while (r instanceof ForwardingRef) r = r.target;
  if (!(r instanceof ActorCell)) throw new TypeError(`Not an actor ref of this runtime: ${String(ref)}`);
  return r;
}

/**
 * The actor cell: mailbox, state, behaviour, links and monitors of one actor.
 * It is the plain `ActorRef` too (no separate ref object per actor). Internal.
 */
export class ActorCell<M> implements ActorRef<M>, Runnable {
  readonly name: string | undefined;
  readonly parent: ActorCell<unknown> | undefined;
  behavior!: Behavior<any, M>;
  /** The ref handed out for this actor (a richer one for Startables). */
  ref: ActorRef<M> = this;
  /** `"supervisor"` when started from a supervisor Startable. */
  type: "worker" | "supervisor" = "worker";
  /** Neighbours in the system's list of live actors (kept by the system). */
  prevLive: ActorCell<unknown> | undefined;
  nextLive: ActorCell<unknown> | undefined;
  #host: Host;
  #n: number;
  #state: unknown = undefined;
  #mailbox: Mailbox<unknown> | undefined;
  #bounds: Required<MailboxOptions> | undefined;
  #signals = 0; // exit/down signals queued in a bounded mailbox (they do not count)
  #phase: number = INIT;
  #scheduled = false;
  #parked = false;
  #pendingStop: ExitReason | undefined;
  #ctx: Context<M> | undefined;
  #ask: Ask | undefined;
  #links: Set<ActorCell<unknown>> | undefined;
  #monitors: Map<symbol, ActorCell<unknown>> | undefined;
  #timers: Set<TimerEntry> | undefined;
  #abort: AbortController | undefined;
  #exitReason: ExitReason | undefined;
  #onExit: ((reason: ExitReason) => void)[] | undefined;
  #onStart: ((outcome: StartOutcome) => void)[] | undefined;
  trapExits = false;

  constructor(
    host: Host,
    parent: ActorCell<unknown> | undefined,
    name: string | undefined,
    bounds: Required<MailboxOptions> | undefined,
  ) {
    this.#host = host;
    this.#bounds = bounds;
    this.#n = host.nextId();
    this.name = name;
    this.parent = parent;
  }

  /** `<n>`, unique within the system; built on demand so spawning allocates no string. */
  get id(): string {
    return `<${this.#n}>`;
  }

  get alive(): boolean {
    return this.#phase !== DEAD;
  }

  /** The exit reason, once dead. */
  get exitReason(): ExitReason | undefined {
    return this.#exitReason;
  }

  /** Number of messages waiting in the mailbox. */
  get mailboxSize(): number {
    return this.#mailbox?.size ?? 0;
  }

  /** Queues a message; the mailbox is allocated on the first one. */
  #push(item: unknown): void {
    (this.#mailbox ??= new Mailbox()).push(item);
    this.#wake();
  }

  /** Schedules `init`; called once by spawn after the behaviour is set. */
  start(): void {
    this.#host.spawned(this);
    this.#wake();
  }

  send(message: M): boolean {
    if (this.#phase === DEAD) {
      this.#host.deadLetter(this.id, message, "not_alive");
      return false;
    }
    if (this.#bounds !== undefined && this.#full()) return this.#overflow(message);
    this.#push(message);
    return true;
  }

  #full(): boolean {
    return this.#mailbox !== undefined && this.#mailbox.size - this.#signals >= this.#bounds!.capacity;
  }

  /** Applies the overflow rule to `item` arriving at a full mailbox; true if it was queued. */
  #overflow(item: unknown): boolean {
    const { overflow, capacity } = this.#bounds!;
    const mailbox = this.#mailbox!;
    let dropped = item;
    const oldest = mailbox.peek();
    if (overflow === "drop_oldest" && !(oldest instanceof ExitSignal || oldest instanceof DownSignal)) {
      dropped = mailbox.shift();
      this.#push(item);
    }
    if (dropped instanceof Ask) {
      dropped.fail(new MailboxFullError(this.id, dropped.message, capacity));
      this.#host.deadLetter(this.id, dropped.message, "mailbox_full");
    } else this.#host.deadLetter(this.id, dropped, "mailbox_full");
    return dropped !== item || overflow !== "reject";
  }

  ask<R>(message: M, { timeoutMs = 5000, signal }: AskOptions = {}): Promise<R> {
    if (!(timeoutMs >= 0)) {
      throw new RangeError(`Cannot ask as 'timeoutMs' must be a non-negative number: current value is ${timeoutMs}`);
    }
    const { promise, resolve, reject } = Promise.withResolvers<R>();
    if (this.#phase === DEAD) {
      this.#host.deadLetter(this.id, message, "not_alive");
      reject(new ActorStoppedError(this.id, message, "noproc"));
      return promise;
    }
    if (signal?.aborted) {
      reject(signal.reason);
      return promise;
    }
    const ask = new Ask(message, resolve, reject);
    if (Number.isFinite(timeoutMs)) {
      ask.timer = this.#host.timers.schedule(timeoutMs, () => ask.fail(new AskTimeoutError(this.id, message, timeoutMs)));
    }
    if (signal !== undefined) ask.listen(signal);
    if (this.#bounds !== undefined && this.#full()) this.#overflow(ask);
    else this.#push(ask);
    return promise;
  }

  stop(reason: ExitReason = "normal"): Promise<void> {
    if (this.#phase === DEAD) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    (this.#onExit ??= []).push(() => resolve());
    if (reason === "killed") this.#finish("killed");
    else this.requestStop(reason);
    return promise;
  }

  /**
   * Orderly stop with `reason`, then a kill if still alive after `ms` (OTP's
   * `supervisor:shutdown/2` with a timeout). The timer is one entry of the shared wheel.
   */
  stopWithin(ms: number, reason: ExitReason = "shutdown"): Promise<void> {
    if (this.#phase === DEAD) return Promise.resolve();
    const timer = this.#host.timers.schedule(ms, () => this.#finish("killed"));
    const stopped = this.stop(reason);
    this.onExit(() => timer.cancel());
    return stopped;
  }

  /** Orderly stop after the current message, without waiting for it. */
  requestStop(reason: ExitReason): void {
    if (this.#phase === DEAD || this.#phase === STOPPING) return;
    this.#pendingStop ??= reason;
    this.#wake();
  }

  /**
   * Resolves once `init` has returned: `"started"`, or `"ignored"` when it returned
   * `IGNORE`; rejects with its error (or the exit reason if it died before).
   */
  whenStarted(): Promise<"started" | "ignored"> {
    if (this.#phase === RUNNING || this.#phase === STOPPING) return Promise.resolve("started");
    if (this.#phase === DEAD) {
      return this.#state === IGNORE ? Promise.resolve("ignored") : Promise.reject(this.#startFailure(this.#exitReason!));
    }
    const { promise, resolve, reject } = Promise.withResolvers<"started" | "ignored">();
    (this.#onStart ??= []).push((outcome) => typeof outcome === "string" ? resolve(outcome) : reject(outcome.failed));
    return promise;
  }

  /** Calls `fn` once with the exit reason (at once if already dead). */
  onExit(fn: (reason: ExitReason) => void): void {
    if (this.#phase === DEAD) fn(this.#exitReason!);
    else (this.#onExit ??= []).push(fn);
  }

  get context(): Context<M> {
    return this.#ctx ??= new Context(this, this.#host);
  }

  get abortSignal(): AbortSignal {
    return (this.#abort ??= new AbortController()).signal;
  }

  reply(value: unknown): void {
    const ask = this.#ask;
    if (ask === undefined) throw new TypeError("Cannot reply: the current message was sent with send(), not ask()");
    ask.succeed(value);
  }

  addTimer(entry: TimerEntry): void {
    (this.#timers ??= new Set()).add(entry);
  }

  removeTimer(entry: TimerEntry): void {
    this.#timers?.delete(entry);
  }

  link(other: ActorCell<unknown>): void {
    if (other === (this as ActorCell<unknown>)) return;
    if (other.#phase === DEAD) return this.exitSignal(other, other.#exitReason!);
    (this.#links ??= new Set()).add(other);
    (other.#links ??= new Set()).add(this as ActorCell<unknown>);
  }

  unlink(other: ActorCell<unknown>): void {
    this.#links?.delete(other);
    other.#links?.delete(this as ActorCell<unknown>);
  }

  monitor(watcher: ActorCell<unknown>): symbol {
    const monitor = Symbol(`monitor ${this.id}`);
    if (this.#phase === DEAD) watcher.deliverSignal(new DownSignal(monitor, this.ref, "noproc"));
    else (this.#monitors ??= new Map()).set(monitor, watcher);
    return monitor;
  }

  demonitor(monitor: symbol): void {
    this.#monitors?.delete(monitor);
  }

  /** An exit signal from a linked actor (OTP semantics: trapped, ignored, or fatal). */
  exitSignal(from: ActorCell<unknown>, reason: ExitReason): void {
    if (this.#phase === DEAD) return;
    if (this.trapExits) this.deliverSignal(new ExitSignal(from.ref, reason));
    else if (reason !== "normal") this.#finish(reason);
  }

  /** Queues an exit or down message; these are never dead letters. */
  deliverSignal(signal: ExitSignal | DownSignal): void {
    if (this.#phase === DEAD) return;
    if (this.#bounds !== undefined) this.#signals++;
    this.#push(signal);
  }

  #wake(): void {
    if (!this.#scheduled && !this.#parked && this.#phase !== DEAD) {
      this.#scheduled = true;
      this.#host.scheduler.schedule(this);
    }
  }

  runSlice(budget: number): boolean {
    if (this.#phase === INIT && !this.#runInit()) return this.#scheduled = false;
    const mailbox = this.#mailbox;
    if (mailbox !== undefined) {
      const behavior = this.behavior;
      const ctx = this.context;
      while (budget-- > 0 && this.#phase === RUNNING && this.#pendingStop === undefined && mailbox.size > 0) {
        this.#deliver(behavior, ctx, mailbox.shift());
        if (this.#parked) break;
      }
    }
    if (this.#pendingStop !== undefined && this.#phase === RUNNING && !this.#parked) this.#beginStop(this.#pendingStop);
    const more = !this.#parked && this.#phase === RUNNING && mailbox !== undefined && mailbox.size > 0;
    this.#scheduled = more;
    return more;
  }

  /** Runs `init`; true when the actor may go on to its mailbox now. */
  #runInit(): boolean {
    const init = this.behavior.init;
    let result: unknown;
    try {
      result = init === undefined ? undefined : init.call(this.behavior, this.context);
    } catch (error) {
      this.#finish({ error });
      return false;
    }
    if (!isThenable(result)) {
      this.#started(result);
      return true;
    }
    this.#parked = true;
    result.then(
      (state) => {
        if (this.#phase !== INIT) return;
        this.#parked = false;
        this.#started(state);
        this.#wake();
      },
      (error) => {
        if (this.#phase === INIT) this.#finish({ error });
      },
    );
    return false;
  }

  #started(state: unknown): void {
    this.#state = state;
    const waiters = this.#onStart;
    this.#onStart = undefined;
    if (state === IGNORE) {
      if (waiters !== undefined) for (const fn of waiters) fn("ignored");
      return this.#finish("normal");
    }
    this.#phase = RUNNING;
    if (waiters !== undefined) for (const fn of waiters) fn("started");
  }

  #deliver(behavior: Behavior<any, M>, ctx: Context<M>, item: unknown): void {
    let message = item;
    if (this.#bounds !== undefined && (item instanceof ExitSignal || item instanceof DownSignal)) this.#signals--;
    if (item instanceof Ask) {
      if (item.replied) return; // timed out or aborted while queued
      this.#ask = item;
      message = item.message;
    }
    let next: unknown;
    try {
      next = behavior.receive(this.#state, message as M, ctx);
    } catch (error) {
      return this.#crash(error);
    }
    if (!isThenable(next)) {
      this.#state = next;
      this.#ask = undefined;
      return;
    }
    this.#parked = true;
    next.then(
      (state) => {
        if (this.#phase !== RUNNING) return;
        this.#state = state;
        this.#ask = undefined;
        this.#parked = false;
        this.#wake();
      },
      (error) => {
        if (this.#phase !== RUNNING) return;
        this.#parked = false;
        this.#crash(error);
      },
    );
  }

  #crash(error: unknown): void {
    const reason: ExitReason = { error };
    this.#ask?.fail(new ActorStoppedError(this.id, this.#ask.message, reason));
    this.#ask = undefined;
    this.#beginStop(reason);
  }

  #beginStop(reason: ExitReason): void {
    this.#phase = STOPPING;
    this.#pendingStop = undefined;
    const terminate = this.behavior.terminate;
    if (terminate === undefined) return this.#finish(reason);
    let result: unknown;
    try {
      result = terminate.call(this.behavior, this.#state, reason, this.context);
    } catch (error) {
      return this.#finish({ error });
    }
    if (!isThenable(result)) return this.#finish(reason);
    this.#parked = true;
    result.then(
      () => this.#finish(reason),
      (error) => this.#finish({ error }),
    );
  }

  #startFailure(reason: ExitReason): unknown {
    return typeof reason === "object" && "error" in reason ? reason.error : reason;
  }

  #finish(reason: ExitReason): void {
    if (this.#phase === DEAD) return;
    const wasStarting = this.#phase === INIT;
    this.#phase = DEAD;
    this.#parked = false;
    this.#exitReason = reason;
    this.#abort?.abort(reason);
    if (this.#timers !== undefined) for (const timer of this.#timers) timer.cancel();
    this.#ask?.fail(new ActorStoppedError(this.id, this.#ask.message, reason));
    for (const item of this.#mailbox?.drain() ?? []) {
      if (item instanceof Ask) item.fail(new ActorStoppedError(this.id, item.message, reason));
      else if (!(item instanceof ExitSignal || item instanceof DownSignal)) {
        this.#host.deadLetter(this.id, item, "not_alive");
      }
    }
    this.#host.exited(this, reason);
    if (wasStarting && this.#onStart !== undefined) {
      for (const fn of this.#onStart) fn({ failed: this.#startFailure(reason) });
    }
    if (this.#links !== undefined) {
      for (const linked of this.#links) {
        linked.#links?.delete(this as ActorCell<unknown>);
        linked.exitSignal(this as ActorCell<unknown>, reason);
      }
    }
    if (this.#monitors !== undefined) {
      for (const [monitor, watcher] of this.#monitors) {
        watcher.#ctx?.monitorFired(monitor);
        watcher.deliverSignal(new DownSignal(monitor, this.ref, reason));
      }
    }
    if (this.#onExit !== undefined) for (const fn of this.#onExit) fn(reason);
  }
}

/** The `ActorContext` of one actor; created on first use. */
class Context<M> implements ActorContext<M> {
  #cell: ActorCell<M>;
  #host: Host;
  #monitoring: Map<symbol, ActorCell<unknown>> | undefined;
  constructor(cell: ActorCell<M>, host: Host) {
    this.#cell = cell;
    this.#host = host;
  }
  get self(): ActorRef<M> {
    return this.#cell.ref;
  }
  get parent(): ActorRef<unknown> | undefined {
    return this.#cell.parent?.ref;
  }
  get events(): EventStream<SystemEvent> {
    return this.#host.events;
  }
  get signal(): AbortSignal {
    return this.#cell.abortSignal;
  }
  get clock(): Clock {
    return this.#host.clock;
  }
  extension<T extends AsyncDisposable>(key: object, create: () => T): T {
    return this.#host.extension(key, create);
  }
  get trapExits(): boolean {
    return this.#cell.trapExits;
  }
  set trapExits(value: boolean) {
    this.#cell.trapExits = value;
  }
  reply(value: unknown): void {
    this.#cell.reply(value);
  }
  spawn<N, R extends ActorRef<N> = ActorRef<N>>(
    start: Behavior<any, N> | Startable<N, R>,
    options?: SpawnOptions,
  ): R {
    return spawnActor(this.#host, start, options, this.#cell as ActorCell<unknown>);
  }
  link(ref: ActorRef<unknown>): void {
    this.#cell.link(cellOf(ref));
  }
  unlink(ref: ActorRef<unknown>): void {
    this.#cell.unlink(cellOf(ref));
  }
  monitor(ref: ActorRef<unknown>): symbol {
    const target = cellOf(ref);
    const monitor = target.monitor(this.#cell as ActorCell<unknown>);
    (this.#monitoring ??= new Map()).set(monitor, target);
    return monitor;
  }
  demonitor(monitor: symbol): void {
    this.#monitoring?.get(monitor)?.demonitor(monitor);
    this.#monitoring?.delete(monitor);
  }
  /** The target exited and delivered its DownSignal: nothing left to demonitor. */
  monitorFired(monitor: symbol): void {
    this.#monitoring?.delete(monitor);
  }
  sendAfter<N>(ref: ActorRef<N>, message: N, ms: number): () => void {
    if (!(ms >= 0)) throw new RangeError(`Cannot sendAfter as 'ms' must be a non-negative number: current value is ${ms}`);
    return this.#timer(ms, false, () => ref.send(message));
  }
  sendInterval<N>(ref: ActorRef<N>, message: N, ms: number): () => void {
    if (!(ms > 0)) throw new RangeError(`Cannot sendInterval as 'ms' must be a positive number: current value is ${ms}`);
    return this.#timer(ms, true, () => ref.send(message));
  }
  /** A timer owned by this actor (cancelled when it exits); returns the cancel function. */
  #timer(ms: number, repeat: boolean, fire: () => void): () => void {
    const cell = this.#cell;
    let entry: TimerEntry;
    let cancelled = false;
    const arm = () => {
      entry = this.#host.timers.schedule(ms, () => {
        cell.removeTimer(entry);
        fire();
        if (repeat && !cancelled) arm();
      });
      cell.addTimer(entry);
    };
    arm();
    return () => {
      cancelled = true;
      entry.cancel();
      cell.removeTimer(entry);
    };
  }
  stop(reason: ExitReason = "normal"): void {
    this.#cell.requestStop(reason);
  }
}

const OVERFLOWS = ["drop_newest", "drop_oldest", "reject"] as const;

/**
 * Validates mailbox options and fills in the default overflow. `invalid` builds the
 * error for a field (`"capacity"`, `"overflow"`), so each caller names its own path.
 */
export function resolveBounds(
  mailbox: MailboxOptions | undefined,
  invalid: (field: string, rule: string, value: unknown, ErrorType: typeof TypeError) => Error,
): Required<MailboxOptions> | undefined {
  if (mailbox === undefined) return undefined;
  const { capacity, overflow = "drop_newest" } = mailbox;
  if (!(Number.isInteger(capacity) && capacity > 0)) throw invalid("capacity", "must be a positive integer", capacity, RangeError);
  if (!OVERFLOWS.includes(overflow)) {
    throw invalid("overflow", 'must be one of "drop_newest", "drop_oldest", "reject"', overflow, TypeError);
  }
  return { capacity, overflow };
}

const spawnInvalid = (field: string, rule: string, value: unknown, ErrorType: typeof TypeError): Error =>
  new ErrorType(`Cannot spawn as 'mailbox.${field}' ${rule}: current value is ${JSON.stringify(value)}`);

/**
 * Creates, registers and schedules an actor (synchronous: `init` runs later on the
 * scheduler). With `parent`, the new actor is linked to it (OTP's `spawn_link`).
 */
export function spawnActor<M, R extends ActorRef<M>>(
  host: Host,
  start: Behavior<any, M> | Startable<M, R>,
  options: SpawnOptions | undefined,
  parent: ActorCell<unknown> | undefined,
): R {
  const cell = new ActorCell<M>(host, parent, options?.name, resolveBounds(options?.mailbox, spawnInvalid));
  if ("instantiate" in start) {
    const instance = start.instantiate(cell);
    cell.behavior = instance.behavior;
    cell.ref = instance.ref;
    cell.type = start.type;
  } else {
    if (typeof start?.receive !== "function") {
      throw new TypeError(`Cannot spawn as 'receive' must be a function: current value is ${String(start?.receive)}`);
    }
    cell.behavior = start;
  }
  if (cell.name !== undefined) host.register(cell.name, cell.ref as ActorRef<unknown>);
  if (parent !== undefined) parent.link(cell as ActorCell<unknown>);
  cell.start();
  return cell.ref as R;
}
