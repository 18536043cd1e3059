import process from "node:process";

/** The JavaScript runtime we run on and its version, e.g. `{ name: "bun", version: "1.4.5" }`. */
export function runtimeInfo(): { name: "deno" | "bun" | "node"; version: string } {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno !== undefined) return { name: "deno", version: g.Deno.version.deno };
  if (g.Bun !== undefined) return { name: "bun", version: g.Bun.version };
  return { name: "node", version: process.versions.node };
}

/**
 * Sends `signal` to every process in the group led by `pid` (POSIX `kill(-pgid)`,
 * which Deno, Bun and Node all accept through `node:process`). Returns false when
 * the group no longer exists.
 */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "ESRCH") return false;
    throw error;
  }
}
