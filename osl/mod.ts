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
 *   children: [{ id: "sleeper", start: osProcess({ command: "sleep", args: ["1"] }) }],
 * }));
 * ```
 *
 * @module
 */
export { ReadinessError, ResourceLimitError, SpawnError } from "./errors.ts";
export { chaos, chaosPlan, crash, kill, pause, resume } from "./faults.ts";
export type { ChaosOptions, ChaosReport, Fault, InjectedFault, PlannedFault } from "./faults.ts";
export type { LogLine, LogOptions } from "./logs.ts";
export { probeCheck } from "./probes.ts";
export type { CheckProbe, Probe, Readiness } from "./probes.ts";
export { osProcess, OsProcessRef } from "./process.ts";
export type { OsProcessMessage } from "./process.ts";
export type { OsProcessSpec, OutputHandling, Signal } from "./process_spec.ts";
export type { ProcessSample, ResourceLimits } from "./sampler.ts";
