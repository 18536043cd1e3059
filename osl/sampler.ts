import pidusage from "pidusage";
import type { ProcessSample } from "../src/events.ts";

/**
 * Resource limits of an OS process child, checked on every sample.
 *
 * - `maxRssBytes`: resident set size above which the child is stopped, in bytes.
 * - `maxCpuPercent`: CPU use above which it is stopped, in percent of one core.
 * - `sampleIntervalMs`: how often pidusage samples it, in ms. @default 1000
 */
export interface ResourceLimits {
  maxRssBytes?: number;
  maxCpuPercent?: number;
  sampleIntervalMs?: number;
}

/**
 * The abnormal exit cause of a child stopped for exceeding a limit: names the limit
 * (`"maxRssBytes"` or `"maxCpuPercent"`), its value and the measured one.
 */
export class ResourceLimitError extends Error {
  override name = "ResourceLimitError";
  constructor(readonly limit: "maxRssBytes" | "maxCpuPercent", readonly max: number, readonly measured: number) {
    super(`${limit} exceeded: measured ${Math.round(measured)}, limit ${max}`);
  }
}

/** One pidusage sample of `pid`; rejects when the process is gone. */
export async function sampleProcess(pid: number): Promise<ProcessSample> {
  const stats = await pidusage(pid);
  return { cpuPercent: stats.cpu, rssBytes: stats.memory, timestamp: stats.timestamp };
}

/** The first limit `sample` exceeds, as the error to stop the child with. */
export function exceededLimit(sample: ProcessSample, limits: ResourceLimits): ResourceLimitError | undefined {
  if (limits.maxRssBytes !== undefined && sample.rssBytes > limits.maxRssBytes) {
    return new ResourceLimitError("maxRssBytes", limits.maxRssBytes, sample.rssBytes);
  }
  if (limits.maxCpuPercent !== undefined && sample.cpuPercent > limits.maxCpuPercent) {
    return new ResourceLimitError("maxCpuPercent", limits.maxCpuPercent, sample.cpuPercent);
  }
  return undefined;
}
