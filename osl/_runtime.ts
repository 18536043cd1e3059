import process from "node:process";
import { procEntry } from "./_proc.ts";
import { execaSpawner, type Sink, type Spawner } from "./_spawn.ts";

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

/** The minimal surface of Bun.spawn used here (typed locally: this code is also checked by Deno). */
interface BunSubprocess {
  pid: number;
  exited: Promise<number>;
  exitCode: number | null;
  signalCode: string | null;
  stdout: ReadableStream<Uint8Array> | undefined | number;
  stderr: ReadableStream<Uint8Array> | undefined | number;
}
type BunSpawn = (argv: string[], options: Record<string, unknown>) => BunSubprocess;

/** Reads `stream` into `sink` to its end (a read error ends it too: the process is gone). */
async function drain(stream: unknown, sink: Sink | undefined): Promise<void> {
  if (sink === undefined || !(stream instanceof ReadableStream)) return;
  try {
    for await (const chunk of stream as ReadableStream<Uint8Array>) sink.push(chunk);
  } catch { /* closed under us */ }
  sink.end();
}

const nativeStdio = { ignore: "ignore", inherit: "inherit", pipe: "pipe" } as const;
const denoStdio = { ignore: "null", inherit: "inherit", pipe: "piped" } as const;

/**
 * The runtime's own spawn behind the adapter interface: `Bun.spawn` or `Deno.Command`,
 * both with `detached` (setsid: a group and session of its own). Saves execa's
 * per-spawn work for the lowest restart latency. IPC and `shell` need execa (an error
 * says so); on Node this is execa.
 */
export const nativeSpawner: Spawner = (request) => {
  const { name } = runtimeInfo();
  if (name === "node") return execaSpawner(request);
  if (request.ipc || request.shell !== undefined) {
    return Promise.reject(new TypeError(`Cannot use spawn "native" with ${request.ipc ? "ipc readiness" : "shell"}: use spawn "execa"`));
  }
  try {
    if (name === "bun") {
      const spawnBun = (globalThis as unknown as { Bun: { spawn: BunSpawn } }).Bun.spawn;
      const child = spawnBun([request.command, ...request.args], {
        cwd: request.cwd,
        env: { ...process.env, ...request.env },
        stdin: "ignore",
        stdout: nativeStdio[request.stdout],
        stderr: nativeStdio[request.stderr],
        detached: true,
      });
      return Promise.resolve({
        pid: child.pid,
        exit: child.exited.then(() => ({ exitCode: child.signalCode ? null : child.exitCode, signal: child.signalCode })),
        pipe: (sinks) => void Promise.all([drain(child.stdout, sinks.stdout), drain(child.stderr, sinks.stderr)]),
        onMessage: () => () => {}, // no IPC channel (refused above)
      });
    }
    const child = new Deno.Command(request.command, {
      args: [...request.args],
      cwd: request.cwd,
      env: request.env,
      stdin: "null",
      stdout: denoStdio[request.stdout],
      stderr: denoStdio[request.stderr],
      detached: true,
    }).spawn();
    return Promise.resolve({
      pid: child.pid,
      exit: child.status.then((s) => ({ exitCode: s.signal ? null : s.code, signal: s.signal })),
      pipe: (sinks) =>
        void Promise.all([
          request.stdout === "pipe" ? drain(child.stdout, sinks.stdout) : undefined,
          request.stderr === "pipe" ? drain(child.stderr, sinks.stderr) : undefined,
        ]),
      onMessage: () => () => {},
    });
  } catch (cause) {
    return Promise.reject(new Error(`Cannot start '${request.command}': ${(cause as Error).message}`, { cause }));
  }
};

/** The spawn adapter named by `osProcess`'s `spawn` option. */
export function spawnerFor(kind: "execa" | "native"): Spawner {
  return kind === "native" ? nativeSpawner : execaSpawner;
}
