/**
 * `then` of `value` when it is a thenable, else undefined. A `then` getter that throws
 * throws here, where the caller treats it as the callback's failure.
 */
function thenOf(value: unknown): ((ok: (v: unknown) => void, fail: (e: unknown) => void) => unknown) | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  const then = (value as { then?: unknown }).then;
  return typeof then === "function" ? then as never : undefined;
}

/**
 * Calls a user callback and hands its outcome to `settled` or `failed`: at once for a
 * plain value or a throw; for a thenable, `park()` is called first and the outcome
 * comes later, once. A `then` getter or method that throws, or a thenable that calls
 * back twice, is the callback's failure or is ignored: it cannot break the caller.
 */
export function settle(
  callback: () => unknown,
  settled: (value: unknown) => void,
  failed: (error: unknown) => void,
  park: () => void,
): void {
  let value: unknown, then;
  try {
    value = callback();
    then = thenOf(value);
  } catch (error) {
    return failed(error);
  }
  if (then === undefined) return settled(value);
  park();
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
