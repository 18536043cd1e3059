import type { TimerEntry } from "./_timers.ts";

/**
 * One pending ask: the message, the promise's settle functions, its timeout entry on
 * the timer wheel and its abort listener. Settles once; whatever settles it first wins.
 */
export class Ask {
  replied = false;
  timer: TimerEntry | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  constructor(
    readonly message: unknown,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  /** Rejects with `signal.reason` when `signal` aborts (the listener goes when the ask settles). */
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
