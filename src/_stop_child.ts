import { type ActorRef, cellOf } from "./actor.ts";

/** How long to wait for a child to stop: ms, `"brutal_kill"` or `"infinity"`. */
export type Shutdown = number | "brutal_kill" | "infinity";

/**
 * Stops `ref` as an OTP supervisor stops a child (`supervisor:shutdown/2`):
 * `"brutal_kill"` kills at once; a number sends `"shutdown"` and kills after that
 * many ms; `"infinity"` sends `"shutdown"` and waits. Resolves once it has exited.
 */
export function stopChild(ref: ActorRef<unknown>, shutdown: Shutdown): Promise<void> {
  if (shutdown === "brutal_kill") return ref.stop("killed");
  if (shutdown === "infinity") return ref.stop("shutdown");
  return cellOf(ref).stopWithin(shutdown);
}
