import type { ActorRef } from "./actor.ts";
import { controlOf } from "./_control.ts";
import type { Shutdown } from "./child_spec.ts";
import type { ExitReason } from "./exit_reason.ts";

/**
 * Stops `ref` as an OTP supervisor stops a child (`supervisor:shutdown/2`):
 * `"brutal_kill"` kills at once; a number stops it with `reason` and kills after that
 * many ms; `"infinity"` stops it with `reason` and waits. Resolves once it has exited.
 */
export function stopChild(ref: ActorRef<unknown>, shutdown: Shutdown, reason: ExitReason = "shutdown"): Promise<void> {
  if (shutdown === "brutal_kill") return ref.stop("killed");
  if (shutdown === "infinity") return ref.stop(reason);
  return controlOf(ref).stopWithin(shutdown, reason);
}
