import process from "node:process";
import { SpawnError } from "./errors.ts";
import { runtimeInfo } from "./_runtime.ts";
import { execaSpawner } from "./_spawn_execa.ts";
import type { Sink, Spawner } from "./_spawn.ts";

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
    return Promise.reject(new SpawnError(request.command, (cause as Error).message, cause));
  }
};
