import pidusage from "pidusage";
import type { ProcessSample } from "../src/events.ts";
import { procChildren, procTable, procTree } from "./_proc.ts";

/**
 * Resource policy of an OS process child, checked on every sample.
 *
 * - `maxRssBytes`: resident set size above which the child is stopped, in bytes.
 * - `maxCpuPercent`: CPU use above which it is stopped, in percent of one core.
 * - `forSamples`: act only after this many samples in a row over a limit, so a
 *   short spike is tolerated (hysteresis). @default 1
 * - `tree`: measure the whole process tree (the child and its descendants, summed),
 *   not the child alone. @default true
 * - `sampleIntervalMs`: how often it is sampled, in ms. @default 1000
 */
export interface ResourceLimits {
  maxRssBytes?: number;
  maxCpuPercent?: number;
  forSamples?: number;
  tree?: boolean;
  sampleIntervalMs?: number;
}

/**
 * The abnormal exit cause of a child stopped for exceeding a limit: names the limit
 * (`"maxRssBytes"` or `"maxCpuPercent"`), its value, the measured one (bytes or
 * percent) and for how many samples in a row it was over.
 */
export class ResourceLimitError extends Error {
  override name = "ResourceLimitError";
  constructor(
    readonly limit: "maxRssBytes" | "maxCpuPercent",
    readonly max: number,
    readonly measured: number,
    readonly samples = 1,
  ) {
    super(`${limit} exceeded: measured ${Math.round(measured)}, limit ${max}, for ${samples} sample${samples === 1 ? "" : "s"} in a row`);
  }
}

/** Validates `limits`; `fail(field, rule, value)` builds the error to throw. */
export function validateLimits(limits: ResourceLimits | undefined, fail: (field: string, rule: string, value: unknown) => Error): void {
  if (limits === undefined) return;
  for (const key of ["maxRssBytes", "maxCpuPercent", "sampleIntervalMs"] as const) {
    const value = limits[key];
    if (value !== undefined && !(typeof value === "number" && value > 0)) throw fail(`limits.${key}`, "must be a positive number", value);
  }
  const n = limits.forSamples;
  if (n !== undefined && !(Number.isInteger(n) && n >= 1)) throw fail("limits.forSamples", "must be a positive integer", n);
  if (limits.tree !== undefined && typeof limits.tree !== "boolean") throw fail("limits.tree", "must be a boolean", limits.tree);
}

/** Applies `limits` to a stream of samples: an error once one limit was exceeded `forSamples` times in a row. */
export class LimitWatch {
  #over = 0;
  constructor(readonly limits: ResourceLimits) {}

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
  #groups = new Map<number, { watched: Set<Watched>; timer: ReturnType<typeof setInterval> }>();

  /** Samples `pid` every `sampleIntervalMs` until the returned function is called. */
  watch(pid: number, limits: ResourceLimits, report: (sample: ProcessSample) => void): () => void {
    const { sampleIntervalMs = 1000, tree = true } = limits;
    let group = this.#groups.get(sampleIntervalMs);
    if (group === undefined) {
      const watched = new Set<Watched>();
      const timer = setInterval(() => void sampleAll(watched), sampleIntervalMs);
      (timer as { unref?(): void }).unref?.();
      this.#groups.set(sampleIntervalMs, group = { watched, timer });
    }
    const entry = { pid, tree, report };
    group.watched.add(entry);
    return () => {
      group.watched.delete(entry);
      if (group.watched.size > 0) return;
      clearInterval(group.timer);
      this.#groups.delete(sampleIntervalMs);
    };
  }

  [Symbol.asyncDispose](): Promise<void> {
    for (const { timer } of this.#groups.values()) clearInterval(timer);
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
