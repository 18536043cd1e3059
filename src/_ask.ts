import type { AskOptions } from "./actor.ts";
import { Context, type ContextOwner } from "./_context.ts";
import { ActorStoppedError, AskTimeoutError } from "./errors.ts";
import type { Host } from "./_host.ts";
import { refusal } from "./_schema.ts";
import type { TimerEntry } from "./_timers.ts";

/** The actor an ask goes to: its queue. */
interface AskTarget extends ContextOwner {
  enqueue(item: unknown): boolean;
}

/**
 * Sends `message` to `target` as an ask (see `ActorRef.ask`): one Promise, one `Ask`
 * queued in its mailbox, one entry on the timer wheel (none for `"infinity"`).
 */
export function ask<R>(target: AskTarget, host: Host, message: unknown, options: AskOptions = {}): Promise<R> {
  const { timeoutMs: wait = 5000, signal } = options;
  const timeoutMs = wait === "infinity" ? Infinity : wait;
  if (!(timeoutMs >= 0)) {
    return Promise.reject(
      refusal("ask options", "timeoutMs", 'must be a non-negative number of ms or "infinity"', wait, RangeError),
    );
  }
  const { promise, resolve, reject } = Promise.withResolvers<R>();
  if (!target.alive) {
    host.deadLetter(target.ref.id, message, "not_alive");
    reject(new ActorStoppedError(target.ref.id, message, "noproc"));
  } else if (signal?.aborted) reject(signal.reason);
  else {
    const item = new Ask(target, host, message, resolve as (value: unknown) => void, reject, timeoutMs);
    item.timer = host.timers.schedule(timeoutMs, item);
    if (signal !== undefined) item.listen(signal);
    target.enqueue(item);
  }
  return promise;
}

/**
 * One ask: the message, the promise's settle functions, its timeout entry on the timer
 * wheel and its abort listener. It is also the context the actor handles it with, so
 * `reply` answers this ask and no other, even from a context kept for later (OTP's
 * `gen_server:reply(From, Reply)`). Settles once; whatever settles it first wins.
 */
export class Ask extends Context<unknown> {
  replied = false;
  timer: TimerEntry | undefined;
  askerSignal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  readonly message: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly timeoutMs: number;
  constructor(
    owner: ContextOwner,
    host: Host,
    message: unknown,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
    timeoutMs: number,
  ) {
    super(owner, host);
    this.message = message;
    this.resolve = resolve;
    this.reject = reject;
    this.timeoutMs = timeoutMs;
  }

  /** Answers this ask (a no-op once it is settled: timed out, aborted, answered). */
  override reply(value: unknown): void {
    this.succeed(value);
  }

  /** The timeout passed (the timer wheel calls this). */
  onTimer(): void {
    this.fail(new AskTimeoutError(this.owner.ref.id, this.message, this.timeoutMs));
  }

  /** Rejects with `signal.reason` when `signal` aborts (the listener goes when the ask settles). */
  listen(signal: AbortSignal): void {
    this.askerSignal = signal;
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
    if (this.onAbort !== undefined) this.askerSignal!.removeEventListener("abort", this.onAbort);
    this.owner.askSettled(this);
  }
}
