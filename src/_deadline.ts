import { clearTimeout, setTimeout } from "node:timers";

/** The longest delay a host timer takes (2^31-1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `fn` once after `ms`, whatever its size: past `MAX_TIMER_MS` the host timer is
 * re-armed in steps (never fired early), and `Infinity` never fires. Returns the
 * cancel function. `unref`: the timer does not keep the process alive.
 */
export function after(ms: number, fn: () => void, unref = false): () => void {
  if (ms === Infinity) return () => {};
  const deadline = performance.now() + Math.max(0, ms);
  let handle: ReturnType<typeof setTimeout>;
  const arm = (): void => {
    const left = deadline - performance.now();
    handle = setTimeout(left > MAX_TIMER_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMER_MS));
    if (unref) (handle as { unref?(): void }).unref?.();
  };
  arm();
  return () => clearTimeout(handle);
}

/**
 * An `AbortSignal` that aborts after `ms` (any size; `Infinity`: never) with a
 * `TimeoutError`, like `AbortSignal.timeout`, and `clear()` to drop its timer early.
 */
export function timeoutSignal(ms: number): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const clear = after(ms, () => controller.abort(new DOMException(`Timed out after ${ms} ms`, "TimeoutError")), true);
  return { signal: controller.signal, clear };
}
