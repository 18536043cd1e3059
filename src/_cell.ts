import type { ActorRef, AskOptions, Behavior, ChildFacts, SpawnOptions, Startable } from "./actor.ts";
import { IGNORE } from "./actor.ts";
import { Ask, ask } from "./_ask.ts";
import { Context, type ContextOwner } from "./_context.ts";
import { CONTROL, type Control } from "./_control.ts";
import { ActorStoppedError, MailboxFullError } from "./errors.ts";
import type { ExitReason } from "./exit_reason.ts";
import type { Host, HostedActor } from "./_host.ts";
import { BoundedMailbox, Mailbox, type MailboxOptions } from "./mailbox.ts";
import { Peer } from "./_peer.ts";
import type { Runnable } from "./scheduler.ts";
import { awaitThen, type Then, thenOf } from "./_settle.ts";
import { DownSignal, ExitSignal } from "./signals.ts";

const INIT = 0, RUNNING = 1, STOPPING = 2, DEAD = 3;

function isSignal(item: unknown): boolean {
  return item instanceof ExitSignal || item instanceof DownSignal;
}

function startFailure(reason: ExitReason): unknown {
  return typeof reason === "object" && "error" in reason ? reason.error : reason;
}

/** Actors to exit, in order: exits that cause exits (links) are handled in a loop, never by recursion. */
const exiting = new Mailbox<ActorCell<unknown> | ExitReason>();
let exitingNow = false;

/**
 * The actor cell: mailbox, state and behaviour of one actor. It is the plain `ActorRef`
 * too (no separate ref object per actor), and the `Control` the rest of the runtime
 * reaches through `CONTROL`. What an idle actor rarely needs lives in `Relations`,
 * allocated on first use. Internal.
 */
export class ActorCell<M> extends Peer implements ActorRef<M>, Runnable, ContextOwner, HostedActor {
  readonly name: string | undefined;
  readonly parent: ActorCell<unknown> | undefined;
  behavior!: Behavior<unknown, M>;
  ref: ActorRef<unknown> = this as ActorRef<unknown>; // a richer one for Startables
  type: "worker" | "supervisor" = "worker";
  prevLive: HostedActor | undefined;
  nextLive: HostedActor | undefined;
  trapExits = false;
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
  #ask: Ask | undefined; // the ask being handled (its own context)
  #exitReason: ExitReason | undefined;

  constructor(
    host: Host,
    parent: ActorCell<unknown> | undefined,
    name: string | undefined,
    bounds: Required<MailboxOptions> | undefined,
  ) {
    super();
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

  /** Sets what `instantiate` or spawn gave, schedules `init`; called once, by spawn. */
  start(
    behavior: Behavior<unknown, M>,
    ref: ActorRef<unknown>,
    type: HostedActor["type"],
    facts?: () => ChildFacts,
  ): void {
    this.behavior = behavior;
    this.ref = ref;
    this.type = type;
    if (facts !== undefined) this.rel.facts = facts;
    this.#host.spawned(this);
    this.#wake();
  }

  /** The mailbox, allocated on the first message (bounded when spawned with bounds). */
  #box(): Mailbox<unknown> {
    return this.#mailbox ??= this.#bounds === undefined ? new Mailbox() : new BoundedMailbox(this.#bounds, isSignal);
  }

  send(message: M): boolean {
    if (this.#phase === DEAD) {
      this.#host.deadLetter(this.id, message, "not_alive");
      return false;
    }
    if (this.#bounds !== undefined) return this.enqueue(message);
    this.#push(message);
    return true;
  }

  /** Queues in an unbounded mailbox (the fast path of `send`). */
  #push(item: unknown): void {
    (this.#mailbox ??= new Mailbox()).push(item);
    this.#wake();
  }

  /** Queues a message or an ask; in a bounded mailbox, what its overflow rule drops becomes a dead letter. */
  enqueue(item: unknown): boolean {
    if (this.#bounds === undefined) return this.#push(item), true;
    const { queued, dropped } = (this.#box() as BoundedMailbox<unknown>).offer(item);
    if (dropped !== item) this.#wake();
    if (dropped instanceof Ask) {
      dropped.fail(new MailboxFullError(this.id, dropped.message, this.#bounds.capacity));
      this.#host.deadLetter(this.id, dropped.message, "mailbox_full");
    } else if (dropped !== undefined) this.#host.deadLetter(this.id, dropped, "mailbox_full");
    return queued;
  }

  ask<R>(message: M, options?: AskOptions): Promise<R> {
    return ask(this, this.#host, message, options);
  }

  /** An ask was settled: it is no longer waiting for a late reply. */
  askSettled(ask: object): void {
    this.relations?.pendingAsks?.delete(ask as Ask);
  }

  stop(reason: ExitReason = "normal"): Promise<void> {
    if (this.#phase === DEAD) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.onExit(() => resolve());
    if (reason === "killed") this.#exit("killed");
    else this.requestStop(reason);
    return promise;
  }

  /** Orderly stop, then a kill after `ms` (OTP's `supervisor:shutdown/2`); one entry of the timer wheel. */
  stopWithin(ms: number, reason: ExitReason = "shutdown"): Promise<void> {
    if (this.#phase === DEAD) return Promise.resolve();
    const timer = this.#host.timers.schedule(ms, () => this.#exit("killed"));
    this.onExit(() => timer.cancel());
    return this.stop(reason);
  }

  /** Orderly stop after the current message, without waiting for it. */
  requestStop(reason: ExitReason): void {
    if (this.#phase === DEAD || this.#phase === STOPPING) return;
    this.#pendingStop ??= reason;
    this.relations?.stopping?.abort(this.#pendingStop);
    this.#wake();
  }

  whenStarted(): Promise<"started" | "ignored"> {
    if (this.#phase === RUNNING || this.#phase === STOPPING) return Promise.resolve("started");
    if (this.#phase === INIT) return this.rel.whenStarted();
    return this.#state === IGNORE ? Promise.resolve("ignored") : Promise.reject(startFailure(this.#exitReason!));
  }

  onExit(fn: (reason: ExitReason) => void): void {
    this.onExitOf(this.#exitReason, fn);
  }

  get context(): Context<M> {
    return this.#ctx ??= new Context(this, this.#host);
  }

  get abortSignal(): AbortSignal {
    return this.rel.exitSignal(this.#exitReason);
  }

  get stoppingSignal(): AbortSignal {
    return this.rel.stopSignal(this.#pendingStop ?? this.#exitReason);
  }

  spawnLinked<N, R extends ActorRef<N>>(
    start: Behavior<unknown, N> | Startable<N, R>,
    options: SpawnOptions | undefined,
  ): R {
    return this.#host.spawn(start, options, this as ActorCell<unknown>);
  }

  timer(ms: number, repeat: boolean, fire: () => void): () => void {
    return this.ownedTimer(this.#host.timers, ms, repeat, fire);
  }

  /**
   * An exit signal from a linked actor, as OTP delivers it: the parent's stops a trapping actor
   * too, with its reason (gen_server); else a trapping actor gets an `ExitSignal`, any other dies
   * unless the reason is `"normal"`.
   */
  exitSignal(from: Control, reason: ExitReason): void {
    if (this.#phase === DEAD) return;
    if (!this.trapExits) {
      if (reason !== "normal") this.#exit(reason);
    } else if (from === (this.parent as Control | undefined)) this.requestStop(reason);
    else this.deliverSignal(new ExitSignal(from.ref, reason));
  }

  deliverSignal(signal: ExitSignal | DownSignal): void {
    if (this.#phase === DEAD) return;
    if (signal instanceof DownSignal) this.relations?.monitoring?.delete(signal.monitor);
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
      let delivered = 0;
      while (delivered < budget && this.#phase === RUNNING && this.#pendingStop === undefined && mailbox.size > 0) {
        delivered++;
        this.#deliver(behavior, ctx, mailbox.shift());
        if (this.#parked) break;
      }
      this.#host.counters.processed += delivered;
    }
    if (this.#pendingStop !== undefined && this.#phase === RUNNING && !this.#parked) this.#beginStop(this.#pendingStop);
    const more = !this.#parked && this.#phase === RUNNING && mailbox !== undefined && mailbox.size > 0;
    this.#scheduled = more;
    return more;
  }

  /** Parks on a thenable a callback returned (one message at a time); its outcome counts if still in `phase`. */
  #park(
    value: unknown,
    then: Then,
    phase: number,
    settled: (value: unknown) => void,
    failed: (error: unknown) => void,
  ): void {
    this.#parked = true;
    const resume = (next: (v: unknown) => void) => (v: unknown) => {
      if (this.#phase !== phase) return;
      this.#parked = false;
      next(v);
      this.#wake();
    };
    awaitThen(value, then, resume(settled), resume(failed));
  }

  /** Runs `init`; true when the actor may go on to its mailbox now. */
  #runInit(): boolean {
    const init = this.behavior.init;
    let state: unknown, then: Then | undefined;
    try {
      state = init === undefined ? undefined : init.call(this.behavior, this.context);
      then = thenOf(state);
    } catch (error) {
      this.#exit(this.#pendingStop ?? { error });
      return false;
    }
    if (then === undefined) {
      this.#started(state);
      return this.#phase === RUNNING;
    }
    // A start given up because a stop was requested exits with the stop's reason.
    this.#park(state, then, INIT, (s) => this.#started(s), (error) => this.#exit(this.#pendingStop ?? { error }));
    return false;
  }

  #started(state: unknown): void {
    this.#state = state;
    if (state === IGNORE) {
      this.relations?.started("ignored");
      return this.#exit("normal");
    }
    this.#phase = RUNNING;
    this.relations?.started("started");
  }

  #deliver(behavior: Behavior<unknown, M>, ctx: Context<M>, item: unknown): void {
    let message = item;
    if (typeof item === "object" && item instanceof Ask) {
      if (item.replied) return; // timed out or aborted while queued
      this.#ask = item;
      ctx = item as Context<M>;
      message = item.message;
    }
    let next: unknown, then: Then | undefined;
    try {
      next = behavior.receive(this.#state, message as M, ctx);
      then = thenOf(next);
    } catch (error) {
      return this.#crash(error);
    }
    if (then === undefined) {
      this.#state = next;
      if (this.#ask !== undefined) this.#handled();
      return;
    }
    this.#park(next, then, RUNNING, (state) => {
      this.#state = state;
      this.#handled();
    }, (error) => this.#crash(error));
  }

  /** The message is handled: an ask not answered yet waits for a late reply (OTP's noreply). */
  #handled(): void {
    const ask = this.#ask;
    if (ask === undefined) return;
    this.#ask = undefined;
    if (!ask.replied) (this.rel.pendingAsks ??= new Set()).add(ask);
  }

  #crash(error: unknown): void {
    const reason: ExitReason = { error };
    this.#ask?.fail(new ActorStoppedError(this.id, this.#ask.message, reason));
    this.#ask = undefined;
    this.#beginStop(reason);
  }

  #beginStop(reason: ExitReason): void {
    this.#phase = STOPPING;
    this.#pendingStop = reason;
    const terminate = this.behavior.terminate;
    let result: unknown, then: Then | undefined;
    try {
      result = terminate?.call(this.behavior, this.#state, reason, this.context);
      then = thenOf(result);
    } catch (error) {
      return this.#exit({ error });
    }
    if (then === undefined) return this.#exit(reason);
    this.#park(result, then, STOPPING, () => this.#exit(reason), (error) => this.#exit({ error }));
  }

  /** Exits with `reason`; exits this causes (links) are queued and handled in one loop. */
  #exit(reason: ExitReason): void {
    exiting.push(this as ActorCell<unknown>);
    exiting.push(reason);
    if (exitingNow) return;
    exitingNow = true;
    try {
      while (exiting.size > 0) (exiting.shift() as ActorCell<unknown>).#finish(exiting.shift() as ExitReason);
    } finally {
      exitingNow = false;
    }
  }

  #finish(reason: ExitReason): void {
    if (this.#phase === DEAD) return;
    const wasStarting = this.#phase === INIT;
    this.#phase = DEAD;
    this.#parked = false;
    this.#exitReason = reason;
    const relations = this.relations;
    const stopped = (message: unknown) => new ActorStoppedError(this.id, message, reason);
    relations?.ending(reason, stopped);
    this.#ask?.fail(stopped(this.#ask.message));
    for (const item of this.#mailbox?.drain() ?? []) {
      if (item instanceof Ask) item.fail(stopped(item.message));
      else if (!isSignal(item)) this.#host.deadLetter(this.id, item, "not_alive");
    }
    this.#host.exited(this, reason);
    if (wasStarting) relations?.started({ failed: startFailure(reason) });
    relations?.exited(this, reason);
  }
}
