import type { ActorRef } from "./actor.ts";

/**
 * One health check of a child: resolves if healthy, rejects (or times out: `signal`
 * aborts after `timeoutMs`) if not. `askCheck` checks an actor, `probeCheck`
 * (`@airssys/rt/osl`) a TCP port or an HTTP URL.
 */
export type HealthCheck = (ref: ActorRef<any>, signal: AbortSignal) => Promise<unknown>;

/**
 * `ChildSpec.liveness`: the supervisor runs `check` every `intervalMs` while the child
 * runs; after `failureThreshold` consecutive failures it stops the child (as its
 * `shutdown` says) with `{ error: HealthCheckError }`, an abnormal exit, so the
 * strategy applies (Kubernetes' livenessProbe; OTP has no equivalent).
 *
 * - `intervalMs` @default 10000 (on the system's clock) · `timeoutMs` per check, in real time
 *   @default 1000 · `failureThreshold` @default 3
 */
export interface Liveness {
  check: HealthCheck;
  intervalMs?: number;
  timeoutMs?: number;
  failureThreshold?: number;
}

/** The exit cause of a child stopped by its liveness check: its id, the failures and the last error. */
export class HealthCheckError extends Error {
  override name = "HealthCheckError";
  constructor(readonly childId: string, readonly failures: number, cause: unknown) {
    super(`Child '${childId}' failed its liveness check ${failures} times in a row`, { cause });
  }
}

/**
 * A health check that asks the actor `message`; healthy when it replies within the
 * timeout (and `isHealthy(reply)`, if given, returns true).
 *
 * @example
 * ```ts
 * { id: "cache", start: cache, liveness: { check: askCheck("ping"), intervalMs: 1000 } }
 * ```
 */
export function askCheck(message: unknown, isHealthy: (reply: unknown) => boolean = () => true): HealthCheck {
  return async (ref, signal) => {
    const reply = await ref.ask(message, { signal, timeoutMs: Infinity });
    if (!isHealthy(reply)) throw new Error(`Unhealthy reply: ${JSON.stringify(reply)}`);
  };
}

/** Runs `check` on `ref`, rejecting with a timeout error after `timeoutMs` whatever the check does. */
export function runCheck(check: HealthCheck, ref: ActorRef<any>, timeoutMs: number): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs);
  const { promise, resolve, reject } = Promise.withResolvers<unknown>();
  const abort = () => reject(signal.reason);
  signal.addEventListener("abort", abort, { once: true });
  check(ref, signal).then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  return promise;
}
