import type { SupervisorRef } from "../mod.ts";

/** One line of the live table. */
export interface StatusRow {
  depth: number;
  id: string;
  /** The child's path in the tree, e.g. `demo/pair/producer`. */
  path: string;
  pid?: number;
  status: string;
  restarts: number;
  uptimeMs?: number;
  cpuPercent?: number;
  rssBytes?: number;
}

/** Walks a supervisor tree depth-first, in start order. `startedAt` maps an actor id to its start time (ms). */
export async function collectRows(
  sup: SupervisorRef,
  startedAt: Map<string, number>,
  depth = 0,
  prefix = "",
): Promise<StatusRow[]> {
  const rows: StatusRow[] = [];
  for (const child of await sup.whichChildren()) {
    const since = child.ref ? startedAt.get(child.ref.id) : undefined;
    rows.push({
      depth,
      id: child.id,
      path: prefix === "" ? child.id : `${prefix}/${child.id}`,
      pid: child.pid,
      status: child.status,
      restarts: child.restarts,
      uptimeMs: since === undefined ? undefined : performance.now() - since,
      cpuPercent: child.sample?.cpuPercent,
      rssBytes: child.sample?.rssBytes,
    });
    if (child.type === "supervisor" && child.ref?.alive) {
      const path = prefix === "" ? child.id : `${prefix}/${child.id}`;
      rows.push(...await collectRows(child.ref as SupervisorRef, startedAt, depth + 1, path).catch(() => []));
    }
  }
  return rows;
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return "-";
  const s = Math.floor(ms / 1000);
  return s < 60
    ? `${s}s`
    : s < 3600
    ? `${Math.floor(s / 60)}m${s % 60}s`
    : `${Math.floor(s / 3600)}h${Math.floor(s / 60) % 60}m`;
}

function bytes(n: number | undefined): string {
  if (n === undefined) return "-";
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GiB` : `${(n / (1 << 20)).toFixed(1)} MiB`;
}

/** Renders rows as an aligned text table (id, pid, status, restarts, uptime, cpu %, rss). */
export function renderTable(rows: StatusRow[]): string {
  const header = ["ID", "PID", "STATUS", "RESTARTS", "UPTIME", "CPU %", "RSS"];
  const cells = rows.map((r) => [
    `${"  ".repeat(r.depth)}${r.id}`,
    r.pid === undefined ? "-" : String(r.pid),
    r.status,
    String(r.restarts),
    duration(r.uptimeMs),
    r.cpuPercent === undefined ? "-" : r.cpuPercent.toFixed(1),
    bytes(r.rssBytes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [header, ...cells].map((line) => line.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}
