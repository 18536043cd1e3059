import pidusage from "pidusage";
import * as v from "valibot";
import { after, boolean, durationMs, positive, positiveInteger, type Schema } from "../src/internal.ts";
import { ResourceLimitError } from "./errors.ts";
import { procChildren, procTable, procTree } from "./_proc.ts";

/** Resource usage of an OS process (its tree, by default), as sampled by pidusage. */
export type ProcessSample = {
  /** CPU use since the previous sample, in percent of one core (may exceed 100). */
  cpuPercent: number;
  /** Resident set size, in bytes. */
  rssBytes: number;
  /** Wall-clock time of the sample, ms since the epoch. */
  timestamp: number;
};

/** The shortest sample interval, in ms: sampling reads /proc and runs pidusage. */
const MIN_SAMPLE_INTERVAL_MS = 10;

/**
 * Resource policy of an OS process child, checked on every sample: over a limit for
 * `forSamples` samples in a row, the child is stopped with `{ error: ResourceLimitError }`.
 *
 * @example
 * ```ts
 * import type { ResourceLimits } from "@airssys/rt/osl";
 * const limits: ResourceLimits = { maxRssBytes: 512 * 1024 ** 2, forSamples: 3, sampleIntervalMs: 2000 };
 * ```
 */
export interface ResourceLimits {
  /** Resident set size above which the child is stopped, in bytes. @default none */
  maxRssBytes?: number;
  /** CPU use above which it is stopped, in percent of one core. @default none */
  maxCpuPercent?: number;
  /** Act only after this many samples in a row over a limit (hysteresis). @default 1 */
  forSamples?: number;
  /** Measure the whole process tree (the child and its descendants, summed). @default true */
  tree?: boolean;
  /** How often it is sampled, in ms (at least 10). @default 1000 */
  sampleIntervalMs?: number;
}

/** The schema of `ResourceLimits`. */
export const limitsSchema: Schema<ResourceLimits> = v.strictObject({
  maxRssBytes: v.optional(positive("must be a positive number of bytes")),
  maxCpuPercent: v.optional(positive("must be a positive number (percent of one core)")),
  forSamples: v.optional(positiveInteger),
  tree: v.optional(boolean),
  sampleIntervalMs: v.optional(
    durationMs(`must be a number of ms, at least ${MIN_SAMPLE_INTERVAL_MS}`, MIN_SAMPLE_INTERVAL_MS),
  ),
}, "must be an object");

/** Applies `limits` to a stream of samples: an error once one limit was exceeded `forSamples` times in a row. */
export class LimitWatch {
  #over = 0;
  readonly limits: ResourceLimits;
  constructor(limits: ResourceLimits) {
    this.limits = limits;
  }

  check(sample: ProcessSample): ResourceLimitError | undefined {
    const { maxRssBytes, maxCpuPercent, forSamples = 1 } = this.limits;
    const rss = maxRssBytes !== undefined && sample.rssBytes > maxRssBytes;
    const cpu = maxCpuPercent !== undefined && sample.cpuPercent > maxCpuPercent;
    this.#over = rss || cpu ? this.#over + 1 : 0;
    if (this.#over < forSamples) return undefined;
    return rss
      ? new ResourceLimitError("maxRssBytes", maxRssBytes!, sample.rssBytes, this.#over)
      : new ResourceLimitError("maxCpuPercent", maxCpuPercent!, sample.cpuPercent, this.#over);
  }
}

interface Watched {
  pid: number;
  tree: boolean;
  report: (sample: ProcessSample) => void;
}

/**
 * One sampler per actor system: every watched process sampled with one batched
 * pidusage call per interval (and one read of the process table when trees are
 * watched), not one call per child.
 */
export class Sampler implements AsyncDisposable {
  #groups = new Map<number, { watched: Set<Watched>; stop: () => void }>();

  /** Samples `pid` every `sampleIntervalMs` until the returned function is called. */
  watch(pid: number, limits: ResourceLimits, report: (sample: ProcessSample) => void): () => void {
    const { sampleIntervalMs = 1000, tree = true } = limits;
    let group = this.#groups.get(sampleIntervalMs);
    if (group === undefined) {
      const watched = new Set<Watched>();
      let cancel = () => {};
      const tick = () => {
        cancel = after(sampleIntervalMs, tick, true);
        void sampleAll(watched);
      };
      cancel = after(sampleIntervalMs, tick, true);
      this.#groups.set(sampleIntervalMs, group = { watched, stop: () => cancel() });
    }
    const entry = { pid, tree, report };
    group.watched.add(entry);
    return () => {
      group.watched.delete(entry);
      if (group.watched.size > 0) return;
      group.stop();
      this.#groups.delete(sampleIntervalMs);
    };
  }

  [Symbol.asyncDispose](): Promise<void> {
    for (const { stop } of this.#groups.values()) stop();
    this.#groups.clear();
    return Promise.resolve();
  }
}

type Stat = { cpu: number; memory: number; timestamp: number };

/** pidusage for many pids in one call; pids that vanished meanwhile are left out. */
async function usage(pids: number[]): Promise<Map<number, Stat>> {
  try {
    const stats = Object.entries(await pidusage(pids) as Record<string, Stat | null>);
    return new Map(stats.flatMap(([pid, stat]) => (stat ? [[Number(pid), stat] as const] : [])));
  } catch { // one of them exited between the table read and the call: ask for each
    const each = await Promise.allSettled(pids.map((pid) => pidusage(pid)));
    return new Map(each.flatMap((r, i) => (r.status === "fulfilled" ? [[pids[i], r.value] as const] : [])));
  }
}

async function sampleAll(watched: Set<Watched>): Promise<void> {
  const entries = [...watched];
  const table = entries.some((e) => e.tree) ? procTable() : [];
  const children = procChildren(table); // one index for every tree of this tick
  const members = entries.map((e) => (e.tree ? procTree([e.pid], table, children).map((p) => p.pid) : [e.pid]));
  const stats = await usage([...new Set(members.flat())]);
  entries.forEach((entry, i) => {
    const own = stats.get(entry.pid);
    if (own === undefined) return; // gone
    let cpuPercent = 0, rssBytes = 0;
    for (const pid of members[i]) {
      const stat = stats.get(pid);
      if (stat !== undefined) (cpuPercent += stat.cpu), (rssBytes += stat.memory);
    }
    entry.report({ cpuPercent, rssBytes, timestamp: own.timestamp });
  });
}
