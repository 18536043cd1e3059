import * as v from "valibot";
import { durationMs, fieldRule, numberAtLeast, type Schema, typed, waitMs } from "./_schema.ts";

/**
 * Restart backoff of a child (`ChildSpec.backoff`; beyond OTP, opt-in): the first
 * restart waits `initialMs`, each next one `factor` times longer up to `maxMs`, and the
 * delay goes back to `initialMs` once the child stayed up `resetAfterMs`. A delayed
 * restart still counts against the supervisor's intensity when the child exits, so a
 * crash loop escalates as without backoff. All durations in ms.
 *
 * @example
 * ```ts
 * import type { ChildSpec } from "@airssys/rt";
 * const child: ChildSpec = {
 *   id: "api",
 *   start: { receive: (s) => s },
 *   backoff: { initialMs: 100, maxMs: 30_000, jitter: 0.2 },
 * };
 * ```
 */
export interface Backoff {
  /** Delay before the first restart, in ms. */
  initialMs: number;
  /** Longest delay, in ms (at least `initialMs`). */
  maxMs: number;
  /** Growth of the delay from one restart to the next. @default 2 */
  factor?: number;
  /** Fraction (0-1) by which each delay is randomly spread. @default 0 */
  jitter?: number;
  /** Uptime after which the delay resets to `initialMs`, in ms; `"infinity"`: never. @default maxMs */
  resetAfterMs?: number | "infinity";
}

const RULE_MS = "must be a non-negative number of ms";

/** The schema of `Backoff`. */
export const backoffSchema: Schema<Backoff> = v.pipe(
  typed<Backoff>(v.object({
    initialMs: durationMs(RULE_MS),
    maxMs: durationMs(RULE_MS),
    factor: v.optional(numberAtLeast(1, "must be a number of at least 1")),
    jitter: v.optional(
      v.pipe(numberAtLeast(0, "must be a fraction from 0 to 1"), v.maxValue(1, "must be a fraction from 0 to 1")),
    ),
    resetAfterMs: v.optional(waitMs(RULE_MS)),
  }, "must be an object with initialMs and maxMs")),
  fieldRule<Backoff>("maxMs", "must be a number of ms, at least initialMs", (b) => b.maxMs >= b.initialMs),
);

/**
 * The next restart delay under `backoff`, a pure function: `previousMs` is the delay
 * before the last restart (undefined: none yet), `upMs` how long the child stayed up
 * since, `random` a source of numbers in [0, 1) for the jitter. Returns the delay to
 * wait (`delayMs`, jittered) and the one to remember for next time (`baseMs`).
 *
 * @example
 * ```ts
 * import { nextBackoff } from "@airssys/rt";
 * nextBackoff({ initialMs: 100, maxMs: 1000 }, 400, 50); // { delayMs: 800, baseMs: 800 }
 * ```
 */
export function nextBackoff(
  backoff: Backoff,
  previousMs: number | undefined,
  upMs: number,
  random: () => number = Math.random,
): { delayMs: number; baseMs: number } {
  const { initialMs, maxMs, factor = 2, jitter = 0, resetAfterMs = maxMs } = backoff;
  const base = previousMs === undefined || upMs >= (resetAfterMs === "infinity" ? Infinity : resetAfterMs)
    ? initialMs
    : Math.min(previousMs * factor, maxMs);
  const delayMs = jitter === 0 ? base : Math.max(0, base * (1 + jitter * (random() * 2 - 1)));
  return { delayMs, baseMs: base };
}
