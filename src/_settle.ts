/** The `then` method of a thenable. */
export type Then = (ok: (v: unknown) => void, fail: (e: unknown) => void) => unknown;

/**
 * `then` of `value` when it is a thenable, else undefined: cheap for plain values (the
 * fast path of every handler). A `then` getter that throws throws here, where the
 * caller treats it as the callback's failure.
 */
export function thenOf(value: unknown): Then | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  const then = (value as { then?: unknown }).then;
  return typeof then === "function" ? then as Then : undefined;
}

/**
 * Waits for a thenable a user callback returned and hands its outcome to `settled` or
 * `failed`, once: a `then` that throws, or that calls back twice, cannot break the caller.
 */
export function awaitThen(
  value: unknown,
  then: Then,
  settled: (value: unknown) => void,
  failed: (error: unknown) => void,
): void {
  let done = false;
  const once = (next: (v: unknown) => void) => (v: unknown) => {
    if (done) return;
    done = true;
    next(v);
  };
  try {
    then.call(value, once(settled), once(failed));
  } catch (error) {
    once(failed)(error);
  }
}
