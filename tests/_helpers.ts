import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeInfo } from "../osl/internal.ts";
import type { ActorSystem, SystemEvent } from "../mod.ts";

type EventOf<T extends SystemEvent["type"]> = Extract<SystemEvent, { type: T }>;

/**
 * Resolves with the next event of `type` matching `where`, published after the call;
 * rejects after `timeoutMs` (a generous bound, not a synchronisation sleep).
 */
export function nextEvent<T extends SystemEvent["type"]>(
  system: ActorSystem,
  type: T,
  where: (event: EventOf<T>) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<EventOf<T>> {
  const { promise, resolve, reject } = Promise.withResolvers<EventOf<T>>();
  const timer = setTimeout(() => reject(new Error(`No '${type}' event within ${timeoutMs} ms`)), timeoutMs);
  const off = system.events.subscribe((event) => {
    if (event.type === type && where(event as EventOf<T>)) resolve(event as EventOf<T>);
  });
  return promise.finally(() => {
    clearTimeout(timer);
    off();
  });
}

/** Records every event from now on. */
export function record(system: ActorSystem): SystemEvent[] {
  const events: SystemEvent[] = [];
  system.events.subscribe((event) => events.push(event));
  return events;
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, ...]. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** True while `pid` runs (a zombie, exited but not yet reaped, counts as dead). */
export function isAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat[0] !== "Z";
}

/** Live pids whose process group is `pgid`. */
export function groupMembers(pgid: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      const stat = procStat(pid);
      return stat !== undefined && stat[0] !== "Z" && Number(stat[2]) === pgid;
    });
}

/** Polls `condition` until true; rejects after `timeoutMs` (for OS state no event reports). */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  everyMs = 20,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Absolute path of a file in tests/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/**
 * argv that runs the TypeScript file `script` on the runtime running the tests.
 * `denoFlags` go to Deno; on Node, V8 flags among them (`--v8-flags=--expose-gc`) are
 * passed as Node's own (`--expose-gc`), with the flags Node 22 needs for TypeScript.
 */
export function runScript(script: string, args: string[], denoFlags: string[] = []): string[] {
  const { name } = runtimeInfo();
  if (name === "deno") return [process.execPath, "run", "-A", ...denoFlags, script, ...args];
  if (name === "bun") return [process.execPath, script, ...args];
  const v8 = denoFlags.filter((f) => f.startsWith("--v8-flags=")).map((f) => f.slice("--v8-flags=".length));
  return [process.execPath, ...process.execArgv, ...v8, script, ...args];
}

/** Live pids whose command line contains `marker` (to find what a test started, and clean up). */
export function processesWith(marker: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").includes(marker) &&
          isAlive(Number(pid));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** SIGKILLs every process whose command line contains `marker`. */
export function killAll(marker: string): void {
  for (const pid of processesWith(marker)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
}

/** The `supervise` command's entry, for tests that run it as a subprocess. */
export const CLI: string = fileURLToPath(new URL("../cli/bin.ts", import.meta.url));

export interface Run {
  events: Record<string, unknown>[];
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `supervise` as a real subprocess with `config` written to a temp file; `env` adds to the environment. */
export function supervise(config: unknown, args: string[], dir: string, env: Record<string, string> = {}): Run {
  const file = join(dir, "tree.json");
  writeFileSync(file, JSON.stringify(config));
  const [cmd, ...argv] = runScript(CLI, [file, ...args]);
  const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  const run: Run = {
    events: [],
    lines: [],
    stderr: () => stderr,
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    // process.kill, not child.kill: Deno's child.kill() makes 'exit' report the signal
    // even when the child handled it and exited 0.
    kill: (signal) => process.kill(child.pid!, signal),
  };
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  createInterface({ input: child.stdout }).on("line", (line) => {
    run.lines.push(line);
    if (args.includes("--json")) run.events.push(JSON.parse(line));
  });
  return run;
}

export function withTempDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "airssys-cli-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
