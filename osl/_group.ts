import process from "node:process";
import { procEntry, procTable } from "./_proc.ts";
import type { Signal } from "./process_spec.ts";

/**
 * Sends `signal` to every process in the group led by `pid` (POSIX `kill(-pgid)`,
 * which Deno, Bun and Node all accept through `node:process`). With `startTime`
 * (clock ticks since boot, from /proc), nothing is sent if `pid` now belongs to a
 * process started at another time: a reused pid is never signalled. Returns false
 * when nothing was signalled.
 */
export function killGroup(pid: number, signal: Signal, startTime?: number): boolean {
  if (startTime !== undefined) {
    const now = procEntry(pid);
    if (now !== undefined && now.startTime !== startTime) return false;
  }
  try {
    process.kill(-pid, signal as NodeJS.Signals);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "ESRCH") return false;
    throw error;
  }
}

/**
 * Resolves once no live process (zombies aside) is left in the group led by `pgid`, or
 * after `timeoutMs`: a SIGKILLed group's members die a moment after the signal.
 */
export async function groupGone(pgid: number, timeoutMs = 1000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (procTable().some((entry) => entry.pgid === pgid && entry.state !== "Z") && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
