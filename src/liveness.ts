import * as v from "valibot";
import type { ActorRef } from "./actor.ts";
import { timeoutSignal } from "./_deadline.ts";
import { durationMs, positiveInteger, type Schema, typed, waitMs } from "./_schema.ts";

/**
 * One health check of a child: resolves if healthy, rejects (or times out: `signal`
 * aborts after `timeoutMs`) if not. `askCheck` checks an actor, `probeCheck`
 * (`@airssys/rt/osl`) a process.
 */
export type HealthCheck = (ref: ActorRef<never>, signal: AbortSignal) => Promise<unknown>;

/**
 * `ChildSpec.liveness`: the supervisor runs `check` every `intervalMs` while the child
 * runs; after `failureThreshold` consecutive failures it stops the child (as its
 * `shutdown` says) with `{ error: HealthCheckError }`, an abnormal exit, so the
 * strategy applies (Kubernetes' livenessProbe; OTP has no equivalent).
 *
 * @example
 * ```ts
 * import { askCheck, type Liveness } from "@airssys/rt";
 * const liveness: Liveness = { check: askCheck("ping"), intervalMs: 1000, failureThreshold: 3 };
 * ```
 */
export interface Liveness {
  /** The check. */
  check: HealthCheck;
  /** Time between checks, in ms, on the system's clock. @default 10000 */
  intervalMs?: number;
  /** Time one check may take, in ms of real time; `"infinity"`: no limit. @default 1000 */
  timeoutMs?: number | "infinity";
  /** Failures in a row that stop the child. @default 3 */
  failureThreshold?: number;
}

/** The timing fields of a liveness check (shared with the `supervise` config's probes). */
export const livenessTimingEntries: v.ObjectEntries = {
  intervalMs: v.optional(durationMs("must be a number of ms, at least 1", 1)),
  timeoutMs: v.optional(waitMs("must be a number of ms, at least 1", 1)),
  failureThreshold: v.optional(positiveInteger),
};

/** The schema of `Liveness`. */
export const livenessSchema: Schema<Liveness> = typed(v.object({
  check: v.function("must be a function (ref, signal) => Promise"),
  ...livenessTimingEntries,
}, "must be an object with a check"));

/**
 * A health check that asks the actor `message`; healthy when it replies within the
 * timeout (and `isHealthy(reply)`, if given, returns true).
 *
 * @example
 * ```ts
 * import { askCheck, type ChildSpec } from "@airssys/rt";
 * const cache = { receive: (s: null, _msg: "ping", ctx: { reply(v: unknown): void }) => (ctx.reply("pong"), s) };
 * const child: ChildSpec = { id: "cache", start: cache, liveness: { check: askCheck("ping"), intervalMs: 1000 } };
 * ```
 */
export function askCheck(message: unknown, isHealthy: (reply: unknown) => boolean = () => true): HealthCheck {
  return async (ref, signal) => {
    const reply = await (ref as ActorRef<unknown>).ask(message, { signal, timeoutMs: "infinity" });
    if (!isHealthy(reply)) throw new Error(`Unhealthy reply: ${JSON.stringify(reply)}`);
  };
}

/**
 * Runs `check` on `ref`, rejecting with a timeout error after `timeoutMs` whatever the
 * check does. A check that throws fails; one that returns a plain value passes (it
 * never throws out of here).
 */
export function runCheck(check: HealthCheck, ref: ActorRef<unknown>, timeoutMs: number): Promise<unknown> {
  const { signal, clear } = timeoutSignal(timeoutMs);
  const { promise, resolve, reject } = Promise.withResolvers<unknown>();
  const abort = () => reject(signal.reason);
  signal.addEventListener("abort", abort, { once: true });
  new Promise((run) => run(check(ref as ActorRef<never>, signal))).then(resolve, reject).finally(() => {
    clear();
    signal.removeEventListener("abort", abort);
  });
  return promise;
}
