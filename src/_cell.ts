import type { ActorRef, AskOptions, Behavior, ChildFacts, SpawnOptions, Startable } from "./actor.ts";
import { Ask } from "./_ask.ts";
import { Context, type ContextOwner } from "./_context.ts";
import { CONTROL, type Control } from "./_control.ts";
import { ActorStoppedError, AskTimeoutError, MailboxFullError } from "./errors.ts";
import type { ExitReason } from "./exit_reason.ts";
import type { Host, HostedActor } from "./_host.ts";
import { BoundedMailbox, Mailbox, type MailboxOptions, mailboxSchema } from "./mailbox.ts";
import type { Runnable } from "./scheduler.ts";
import { parseSpec, refusal } from "./_schema.ts";
import { DownSignal, ExitSignal } from "./signals.ts";
import type { TimerEntry } from "./_timers.ts";
import { IGNORE } from "./actor.ts";

const INIT = 0, RUNNING = 1, STOPPING = 2, DEAD = 3;

type StartOutcome = "started" | "ignored" | { failed: unknown };

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function";
}

function isSignal(item: unknown): boolean {
  return item instanceof ExitSignal || item instanceof DownSignal;
}

function startFailure(reason: ExitReason): unknown {
  return typeof reason === "object" && "error" in reason ? reason.error : reason;
}

/**
 * The actor cell: mailbox, state, behaviour, links and monitors of one actor. It is
 * the plain `ActorRef` too (no separate ref object per actor), and the `Control`
 * the rest of the runtime reaches through `CONTROL`. Internal.
 */
export class ActorCell<M> implements ActorRef<M>, Runnable, ContextOwner, HostedActor {
  readonly name: string | undefined;
  readonly parent: ActorCell<unknown> | undefined;
  behavior!: Behavior<unknown, M>;
  /** The ref handed out for this actor (a richer one for Startables). */
  ref: ActorRef<unknown> = this as ActorRef<unknown>;
  type: "worker" | "supervisor" = "worker";
  prevLive: HostedActor | undefined;
  nextLive: HostedActor | undefined;
  trapExits = false;
  #facts: (() => ChildFacts) | undefined;
  #host: Host;
  #n: number;
  #state: unknown = undefined;
  #mailbox: Mailbox<unknown> | undefined;
  #bounds: Required<MailboxOptions> | undefined;
  #phase: number = INIT;
  #scheduled = false;
  #parked = false;
  #pendingStop: ExitReason | undefined;
  #ctx: Context<M> | undefined;
  #ask: Ask | undefined;
  #links: Set<Control> | undefined;
  #monitors: Map<symbol, Control> | undefined;
  #timers: Set<TimerEntry> | undefined;
  #abort: AbortController | undefined;
  #exitReason: ExitReason | undefined;
  #onExit: ((reason: ExitReason) => void)[] | undefined;
  #onStart: ((outcome: StartOutcome) => void)[] | undefined;

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

  get [CONTROL](): Control {
    return this as Control;
  }

  /** `<n>`, unique within the system; built on demand so spawning allocates no string. */
  get id(): string {
    return `<${this.#n}>`;
  }

  get alive(): boolean {
    return this.#phase !== DEAD;
  }

  get exitReason(): ExitReason | undefined {
    return this.#exitReason;
  }

  get mailboxSize(): number {
    return this.#mailbox?.size ?? 0;
  }

  facts(): ChildFacts | undefined {
    return this.#facts?.();
  }

  /** Sets what `instantiate` or spawn gave; called once, before `start`. */
  setup(behavior: Behavior<unknown, M>, ref: ActorRef<unknown>, type: "worker" | "supervisor", facts?: () => ChildFacts): void {
    this.behavior = behavior;
    this.ref = ref;
    this.type = type;
    this.#facts = facts;
  }

  /** The mailbox, allocated on the first message (bounded when spawned with bounds). */
  #box(): Mailbox<unknown> {
    return this.#mailbox ??= this.#bounds === undefined ? new Mailbox() : new BoundedMailbox(this.#bounds, isSignal);
  }

  /** Queues a message. */
  #push(item: unknown): void {
    this.#box().push(item);
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
    if (this.#bounds !== undefined) return this.#offer(message);
    this.#push(message);
    return true;
  }

  /** Offers `item` to the bounded mailbox; what its overflow rule drops becomes a dead letter. */
  #offer(item: unknown): boolean {
    const { queued, dropped } = (this.#box() as BoundedMailbox<unknown>).offer(item);
    if (dropped !== item) this.#wake();
    if (dropped instanceof Ask) {
      dropped.fail(new MailboxFullError(this.id, dropped.message, this.#bounds!.capacity));
      this.#host.deadLetter(this.id, dropped.message, "mailbox_full");
    } else if (dropped !== undefined) this.#host.deadLetter(this.id, dropped, "mailbox_full");
    return queued;
  }

  ask<R>(message: M, { timeoutMs = 5000, signal }: AskOptions = {}): Promise<R> {
    if (!(timeoutMs >= 0)) {
      return Promise.reject(refusal("ask options", "timeoutMs", "must be a non-negative number of ms", timeoutMs, RangeError));
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
    const ask = new Ask(message, resolve as (value: unknown) => void, reject);
    if (Number.isFinite(timeoutMs)) {
      ask.timer = this.#host.timers.schedule(timeoutMs, () => ask.fail(new AskTimeoutError(this.id, message, timeoutMs)));
    }
    if (signal !== undefined) ask.listen(signal);
    if (this.#bounds !== undefined) this.#offer(ask);
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

  whenStarted(): Promise<"started" | "ignored"> {
    if (this.#phase === RUNNING || this.#phase === STOPPING) return Promise.resolve("started");
    if (this.#phase === DEAD) {
      return this.#state === IGNORE ? Promise.resolve("ignored") : Promise.reject(startFailure(this.#exitReason!));
    }
    const { promise, resolve, reject } = Promise.withResolvers<"started" | "ignored">();
    (this.#onStart ??= []).push((outcome) => typeof outcome === "string" ? resolve(outcome) : reject(outcome.failed));
    return promise;
  }

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

  spawnLinked<N, R extends ActorRef<N>>(start: Behavior<unknown, N> | Startable<N, R>, options: SpawnOptions | undefined): R {
    return spawnActor(this.#host, start, options, this as ActorCell<unknown>);
  }

  addTimer(entry: TimerEntry): void {
    (this.#timers ??= new Set()).add(entry);
  }

  removeTimer(entry: TimerEntry): void {
    this.#timers?.delete(entry);
  }

  link(other: Control): void {
    if (other === (this as Control)) return;
    if (!other.alive) return this.exitSignal(other, other.exitReason!);
    (this.#links ??= new Set()).add(other);
    other.addLink(this);
  }

  unlink(other: Control): void {
    this.#links?.delete(other);
    other.removeLink(this);
  }

  addLink(peer: Control): void {
    (this.#links ??= new Set()).add(peer);
  }

  removeLink(peer: Control): void {
    this.#links?.delete(peer);
  }

  addMonitor(monitor: symbol, watcher: Control): void {
    if (this.#phase === DEAD) watcher.deliverSignal(new DownSignal(monitor, this.ref, "noproc"));
    else (this.#monitors ??= new Map()).set(monitor, watcher);
  }

  removeMonitor(monitor: symbol): void {
    this.#monitors?.delete(monitor);
  }

  /** An exit signal from a linked actor (OTP semantics: trapped, ignored, or fatal). */
  exitSignal(from: Control, reason: ExitReason): void {
    if (this.#phase === DEAD) return;
    if (this.trapExits) this.deliverSignal(new ExitSignal(from.ref, reason));
    else if (reason !== "normal") this.#finish(reason);
  }

  deliverSignal(signal: ExitSignal | DownSignal): void {
    if (this.#phase === DEAD) return;
    if (signal instanceof DownSignal) this.#ctx?.monitorFired(signal.monitor);
    if (this.#bounds !== undefined) (this.#box() as BoundedMailbox<unknown>).pushSignal(signal);
    else this.#box().push(signal);
    this.#wake();
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

  #deliver(behavior: Behavior<unknown, M>, ctx: Context<M>, item: unknown): void {
    let message = item;
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
      else if (!isSignal(item)) this.#host.deadLetter(this.id, item, "not_alive");
    }
    this.#host.exited(this, reason);
    if (wasStarting && this.#onStart !== undefined) {
      for (const fn of this.#onStart) fn({ failed: startFailure(reason) });
    }
    if (this.#links !== undefined) {
      for (const linked of this.#links) {
        linked.removeLink(this);
        linked.exitSignal(this, reason);
      }
    }
    if (this.#monitors !== undefined) {
      for (const [monitor, watcher] of this.#monitors) watcher.deliverSignal(new DownSignal(monitor, this.ref, reason));
    }
    if (this.#onExit !== undefined) for (const fn of this.#onExit) fn(reason);
  }
}

/**
 * Creates, registers and schedules an actor (synchronous: `init` runs later on the
 * scheduler). With `parent`, the new actor is linked to it (OTP's `spawn_link`).
 * @throws {TypeError | RangeError} bad options, a taken name, or no behaviour
 */
export function spawnActor<M, R extends ActorRef<M>>(
  host: Host,
  start: Behavior<unknown, M> | Startable<M, R>,
  options: SpawnOptions | undefined,
  parent: ActorCell<unknown> | undefined,
): R {
  const bounds = options?.mailbox === undefined
    ? undefined
    : parseSpec(mailboxSchema, options.mailbox, "spawn options", "mailbox");
  const cell = new ActorCell<M>(host, parent, options?.name, bounds);
  if ("instantiate" in start) {
    const instance = start.instantiate(cell);
    cell.setup(instance.behavior, instance.ref as ActorRef<unknown>, start.type, instance.facts);
  } else {
    if (typeof start?.receive !== "function") {
      throw refusal("behaviour", "receive", "must be a function", start?.receive);
    }
    cell.setup(start, cell as ActorRef<unknown>, "worker");
  }
  if (cell.name !== undefined) host.register(cell.name, cell.ref);
  if (parent !== undefined) parent.link(cell as ActorCell<unknown>);
  cell.start();
  return cell.ref as R;
}
