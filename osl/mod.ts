/**
 * The OS layer of airssys-rt: real OS processes as supervised children.
 *
 * `osProcess(spec)` is a `Startable` usable wherever an actor is: spawn it, or
 * give it as a supervisor child's `start`. The process runs in its own process
 * group; its exit is the actor's exit reason; stopping the actor stops the group.
 *
 * @example
 * ```ts
 * import { ActorSystem, supervisor } from "@airssys/rt";
 * import { osProcess } from "@airssys/rt/osl";
 * await using system = new ActorSystem();
 * system.spawn(supervisor({
 *   strategy: "one_for_one",
 *   children: [{ id: "redis", start: osProcess({ command: "redis-server", readiness: { tcpPort: 6379 } }) }],
 * }));
 * ```
 *
 * @module
 */
export { chaos, chaosPlan, crash, kill, pause, resume } from "./faults.ts";
export type { ChaosOptions, ChaosReport, Fault, InjectedFault, PlannedFault } from "./faults.ts";
export { osProcess, OsProcessRef } from "./process.ts";
export type { OsProcessMessage, OsProcessSpec, OutputHandling } from "./process.ts";
export type { LogLine, LogOptions } from "./logs.ts";
export { probeCheck } from "./readiness.ts";
export type { Probe, Readiness } from "./readiness.ts";
export { ResourceLimitError } from "./sampler.ts";
export type { ResourceLimits } from "./sampler.ts";
