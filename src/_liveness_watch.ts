import type { ActorContext, ActorRef } from "./actor.ts";
import { controlOf } from "./_control.ts";
import { runCheck } from "./liveness.ts";
import type { ResolvedChildSpec } from "./child_spec.ts";

/** Time to check a child's liveness; the same object is sent every interval. */
export class LivenessTick {
  cancel: () => void = () => {};
  failures = 0;
  checking = false;
  /** The child's `unhealthy` fact at the previous tick. */
  unhealthy: string | undefined;
  readonly spec: ResolvedChildSpec;
  readonly ref: ActorRef<unknown>;
  constructor(spec: ResolvedChildSpec, ref: ActorRef<unknown>) {
    this.spec = spec;
    this.ref = ref;
  }
}

/** The outcome of one check (`error` undefined: it passed). */
export class LivenessResult {
  readonly tick: LivenessTick;
  readonly error: unknown;
  constructor(tick: LivenessTick, error: unknown) {
    this.tick = tick;
    this.error = error;
  }
}

/**
 * Starts the liveness checks of one run of a child (`ChildSpec.liveness`): a tick every
 * `intervalMs`, sent to the supervisor itself, so checks and their results are handled
 * one message at a time like everything else a supervisor does.
 */
export function watchLiveness(ctx: ActorContext<unknown>, spec: ResolvedChildSpec, ref: ActorRef<unknown>): void {
  if (spec.liveness === undefined) return;
  const tick = new LivenessTick(spec, ref);
  tick.cancel = ctx.sendInterval(ctx.self, tick, spec.liveness.intervalMs ?? 10_000);
}

/**
 * Runs a check for `tick` unless one is running; the result comes back as a
 * `LivenessResult`. A child that reported itself unhealthy (`ChildFacts.unhealthy`: a
 * stopped or zombie process) at this tick and the previous one, a whole interval, fails
 * without running the check: a hung daemon may still pass it (its kernel completes TCP
 * handshakes).
 */
export function checkLiveness(ctx: ActorContext<unknown>, tick: LivenessTick): void {
  const unhealthy = controlOf(tick.ref).facts()?.unhealthy;
  const stuck = unhealthy !== undefined && tick.unhealthy !== undefined;
  tick.unhealthy = unhealthy;
  if (stuck) {
    return void ctx.self.send(new LivenessResult(tick, new Error(`${unhealthy} for a whole liveness interval`)));
  }
  if (tick.checking) return;
  tick.checking = true;
  const { check, timeoutMs = 1000 } = tick.spec.liveness!;
  runCheck(check, tick.ref, timeoutMs === "infinity" ? Infinity : timeoutMs).then(
    () => ctx.self.send(new LivenessResult(tick, undefined)),
    (error) => ctx.self.send(new LivenessResult(tick, error ?? "failed")),
  );
}

/**
 * Counts a result: true when the child has now failed `failureThreshold` checks in a
 * row (its ticks are then cancelled).
 */
export function countLiveness({ tick, error }: LivenessResult): boolean {
  tick.checking = false;
  if (error === undefined) {
    tick.failures = 0;
    return false;
  }
  tick.failures++;
  if (tick.failures < (tick.spec.liveness!.failureThreshold ?? 3)) return false;
  tick.cancel();
  return true;
}
