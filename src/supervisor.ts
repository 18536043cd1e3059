import type { Startable } from "./actor.ts";
import { Supervisor } from "./_supervisor.ts";
import { type SupervisorMessage, SupervisorRef } from "./supervisor_ref.ts";
import { resolveSupervisorSpec, type SupervisorSpec } from "./supervisor_spec.ts";

/**
 * A supervisor as a `Startable`: spawn it, or use it as a child's `start` to nest it.
 * Children start in list order, each after the previous one's `init` (and readiness)
 * completed, and stop in reverse order. Mirrors OTP's `supervisor` behaviour
 * (`supervisor:start_link/2`); past its intensity it stops its children in reverse
 * start order and exits with `"shutdown"`, so its parent applies its own strategy.
 *
 * @throws {TypeError | RangeError} at once when the spec is invalid, naming the field
 * @example
 * ```ts
 * import { ActorSystem, supervisor } from "@airssys/rt";
 * await using system = new ActorSystem();
 * const sup = system.spawn(supervisor({
 *   strategy: "one_for_one",
 *   children: [{ id: "worker", start: { receive: (s) => s } }],
 * }));
 * console.log(await sup.whichChildren());
 * ```
 */
export function supervisor(spec: SupervisorSpec): Startable<SupervisorMessage, SupervisorRef> {
  const resolved = resolveSupervisorSpec(spec);
  return {
    type: "supervisor",
    instantiate(ref) {
      return { behavior: new Supervisor(resolved), ref: new SupervisorRef(ref) };
    },
  };
}
