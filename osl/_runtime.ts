import process from "node:process";
import { procEntry } from "./_proc.ts";

/** The JavaScript runtime we run on and its version, e.g. `{ name: "bun", version: "1.4.5" }`. */
export function runtimeInfo(): { name: "deno" | "bun" | "node"; version: string } {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno !== undefined) return { name: "deno", version: g.Deno.version.deno };
  if (g.Bun !== undefined) return { name: "bun", version: g.Bun.version };
  return { name: "node", version: process.versions.node };
}

/**
 * Sends `signal` to every process in the group led by `pid` (POSIX `kill(-pgid)`,
 * which Deno, Bun and Node all accept through `node:process`). With `startTime`
 * (clock ticks since boot, from /proc), nothing is sent if `pid` now belongs to a
 * process started at another time: a reused pid is never signalled. Returns false
 * when nothing was signalled.
 */
export function killGroup(pid: number, signal: NodeJS.Signals, startTime?: number): boolean {
  if (startTime !== undefined) {
    const now = procEntry(pid);
    if (now !== undefined && now.startTime !== startTime) return false;
  }
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "ESRCH") return false;
    throw error;
  }
}

/** Arguments for `process.execPath` that run `program` (ES module source text) on this runtime. */
export function evalArgs(program: string): string[] {
  const { name } = runtimeInfo();
  if (name === "deno") return ["eval", program];
  if (name === "bun") return ["-e", program];
  return ["--input-type=module", "-e", program];
}
