/**
 * Prometheus metrics of an airssys-rt system (prom-client): children's state, restarts,
 * resources and uptime, the system's actors, mailboxes, dead letters and throughput.
 *
 * @example
 * ```ts
 * import { ActorSystem } from "@airssys/rt";
 * import { metrics } from "@airssys/rt/metrics";
 * await using system = new ActorSystem();
 * const text = await metrics(system).metrics();
 * ```
 *
 * @module
 */
export { metrics } from "./registry.ts";
export type { MetricsOptions, MetricsRegistry } from "./registry.ts";
