import { spawn as spawnNode } from "node:child_process";
import { SpawnError } from "./errors.ts";
import { runtimeInfo } from "./_runtime.ts";
import type { Sink, Spawned, Spawner, SpawnRequest } from "./_spawn.ts";

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

/** The minimal surface of Deno.Command used here (typed locally: this code is also compiled by tsc). */
interface DenoChild {
  pid: number;
  status: Promise<{ code: number; signal: string | null }>;
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
}
type DenoCommand = new (command: string, options: Record<string, unknown>) => { spawn(): DenoChild };

/** Bytes read at once from a child's pipe into the reused buffer. */
const READ_BYTES = 64 * 1024;

/**
 * Reads `stream` into `sink` to its end (a read error ends it too: the process is gone).
 * A byte stream is read into one buffer, reused for every read (the sink copies what it
 * keeps), so a flood of output allocates nothing per chunk.
 */
async function drain(stream: unknown, sink: Sink | undefined): Promise<void> {
  if (sink === undefined || !(stream instanceof ReadableStream)) return;
  try {
    let reader: ReadableStreamBYOBReader | undefined;
    try {
      reader = (stream as ReadableStream<Uint8Array>).getReader({ mode: "byob" });
    } catch { /* not a byte stream */ }
    if (reader === undefined) {
      for await (const chunk of stream as ReadableStream<Uint8Array>) {
        sink.push(chunk);
        await sink.backlog();
      }
    } else {
      let buffer = new ArrayBuffer(READ_BYTES);
      while (true) {
        const { value, done } = await reader.read(new Uint8Array(buffer, 0, READ_BYTES));
        if (done || value === undefined) break;
        sink.push(value);
        await sink.backlog();
        buffer = value.buffer as ArrayBuffer;
      }
    }
  } catch { /* closed under us */ }
  sink.end();
}

const bunStdio = { ignore: "ignore", inherit: "inherit", pipe: "pipe" } as const;
const denoStdio = { ignore: "null", inherit: "inherit", pipe: "piped" } as const;

function spawnBun(request: SpawnRequest): Spawned {
  const bun = (globalThis as unknown as { Bun: { spawn: BunSpawn } }).Bun;
  const child = bun.spawn([request.command, ...request.args], {
    cwd: request.cwd,
    env: request.env,
    stdin: "ignore",
    stdout: bunStdio[request.stdout],
    stderr: bunStdio[request.stderr],
    detached: true,
  });
  return {
    pid: child.pid,
    exit: child.exited.then(() => ({ exitCode: child.signalCode ? null : child.exitCode, signal: child.signalCode })),
    pipe: (sinks) => void Promise.all([drain(child.stdout, sinks.stdout), drain(child.stderr, sinks.stderr)]),
    onMessage: () => () => {}, // no IPC channel (refused by nativeSpawner)
  };
}

function spawnDeno(request: SpawnRequest): Spawned {
  const Command = (globalThis as unknown as { Deno: { Command: DenoCommand } }).Deno.Command;
  const child = new Command(request.command, {
    args: [...request.args],
    cwd: request.cwd,
    env: request.env,
    clearEnv: true,
    stdin: "null",
    stdout: denoStdio[request.stdout],
    stderr: denoStdio[request.stderr],
    detached: true,
  }).spawn();
  return {
    pid: child.pid,
    exit: child.status.then((s) => ({ exitCode: s.signal ? null : s.code, signal: s.signal })),
    pipe: (sinks) =>
      void Promise.all([
        request.stdout === "pipe" ? drain(child.stdout, sinks.stdout) : undefined,
        request.stderr === "pipe" ? drain(child.stderr, sinks.stderr) : undefined,
      ]),
    onMessage: () => () => {},
  };
}

/** node:child_process without execa's per-spawn work; the exit comes from "exit", not the pipes. */
async function spawnNodeChild(request: SpawnRequest): Promise<Spawned> {
  const child = spawnNode(request.command, [...request.args], {
    cwd: request.cwd,
    env: request.env,
    stdio: ["ignore", request.stdout, request.stderr],
    detached: true,
  });
  const exit = new Promise<{ exitCode: number | null; signal: string | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ exitCode: signal ? null : code, signal }));
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  }).catch((cause: Error) => {
    throw new SpawnError(request.command, cause.message, cause);
  });
  return {
    pid: child.pid!,
    exit,
    pipe(sinks) {
      for (const name of ["stdout", "stderr"] as const) {
        const sink = sinks[name];
        const stream = child[name];
        if (sink === undefined || stream === null) continue;
        stream.on("data", (chunk: Uint8Array) => {
          sink.push(chunk);
          const backlog = sink.backlog();
          if (backlog !== undefined) stream.pause(), void backlog.then(() => stream.resume());
        });
        stream.once("close", () => sink.end());
      }
    },
    onMessage: () => () => {},
  };
}

/** Deno's and Bun's spawn errors, with the errno name execa and Node give (ENOENT, EACCES). */
function errnoText(error: Error & { code?: string }): string {
  const code = error.code ?? { NotFound: "ENOENT", PermissionDenied: "EACCES" }[error.name];
  return code !== undefined && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/**
 * The runtime's own spawn behind the adapter interface: `Bun.spawn`, `Deno.Command` or
 * Node's `child_process.spawn`, each `detached` (setsid: a group and session of its own).
 * Saves execa's per-spawn work for the lowest restart latency. IPC readiness and
 * `shell` need execa (an error says so).
 */
export const nativeSpawner: Spawner = (request) => {
  if (request.ipc || request.shell !== undefined) {
    return Promise.reject(
      new TypeError(`Cannot use spawn "native" with ${request.ipc ? "ipc readiness" : "shell"}: use spawn "execa"`),
    );
  }
  const { name } = runtimeInfo();
  if (name === "node") return spawnNodeChild(request);
  try {
    return Promise.resolve(name === "bun" ? spawnBun(request) : spawnDeno(request));
  } catch (cause) {
    return Promise.reject(new SpawnError(request.command, errnoText(cause as Error), cause));
  }
};
