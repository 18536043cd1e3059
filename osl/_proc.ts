import { readdirSync, readFileSync } from "node:fs";

// Linux /proc readers. Each function refers only to its parameters, to each other by
// name and to `readFileSync` / `readdirSync`: the reaper runs their source text in its
// own process (see _reaper.ts), so they must not close over anything else.

/** One process as /proc/<pid>/stat describes it; `startTime` is in clock ticks since boot. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
  startTime: number;
  /** State letter: R, S, D, T (stopped), Z (zombie), ... */
  state: string;
}

/** The entry of `pid`, or undefined when it does not exist (or /proc is not there). */
export function procEntry(pid: number): ProcEntry | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // Fields after "(comm)", which may itself hold spaces and parentheses.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { pid, state: f[0], ppid: Number(f[1]), pgid: Number(f[2]), startTime: Number(f[19]) };
}

/** Every process of the machine (an empty list without /proc). */
export function procTable(): ProcEntry[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  const table: ProcEntry[] = [];
  for (const name of names) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const entry = procEntry(Number(name));
    if (entry !== undefined) table.push(entry);
  }
  return table;
}

/** The entries of `table` by parent pid (build once per table, for many `procTree` calls). */
export function procChildren(table: readonly ProcEntry[]): Map<number, ProcEntry[]> {
  const children = new Map<number, ProcEntry[]>();
  for (const entry of table) {
    const siblings = children.get(entry.ppid);
    if (siblings === undefined) children.set(entry.ppid, [entry]);
    else siblings.push(entry);
  }
  return children;
}

/**
 * The live processes of the trees rooted at `roots` (roots included) plus every member
 * of the process groups `roots` lead: found by parent pid, so a descendant that left
 * the group (setsid) is found too, as long as its chain of parents is alive.
 */
export function procTree(
  roots: readonly number[],
  table: readonly ProcEntry[],
  children: Map<number, ProcEntry[]> = procChildren(table),
): ProcEntry[] {
  const found = new Map<number, ProcEntry>();
  const pending: ProcEntry[] = table.filter((e) => roots.includes(e.pid) || roots.includes(e.pgid));
  while (pending.length > 0) {
    const entry = pending.pop()!;
    if (found.has(entry.pid)) continue;
    found.set(entry.pid, entry);
    for (const child of children.get(entry.pid) ?? []) pending.push(child);
  }
  return [...found.values()].filter((e) => e.state !== "Z");
}
