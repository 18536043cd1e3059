import type { ActorRef } from "./actor.ts";

/** How long to wait for a child to stop: ms, `"brutal_kill"` or `"infinity"`. */
export type Shutdown = number | "brutal_kill" | "infinity";

/**
 * Stops `ref` as an OTP supervisor stops a child (`supervisor:shutdown/2`):
 * `"brutal_kill"` kills at once; a number sends `"shutdown"` and kills after that
 * many ms; `"infinity"` sends `"shutdown"` and waits. Resolves once it has exited.
 */
export async function stopChild(ref: ActorRef<unknown>, shutdown: Shutdown): Promise<void> {
  if (shutdown === "brutal_kill") return ref.stop("killed");
  const stopped = ref.stop("shutdown");
  if (shutdown === "infinity") return stopped;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, shutdown, true);
  });
  const timedOut = await Promise.race([stopped.then(() => false), expired]);
  clearTimeout(timer);
  if (timedOut) await ref.stop("killed");
}
