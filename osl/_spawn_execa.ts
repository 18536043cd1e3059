import { execa } from "execa";
import { SpawnError } from "./errors.ts";
import type { Spawner } from "./_spawn.ts";

/**
 * After the process exited, how long its pipes may still deliver output, in ms: a
 * descendant that left the group may hold them open; the exit is reported at once
 * and what the pipes hold after this is dropped.
 */
const DRAIN_MS = 200;

/** The default adapter: execa (no shell unless asked, its errors as causes). */
export const execaSpawner: Spawner = async (request) => {
  const subprocess = execa(request.command, request.args, {
    cwd: request.cwd,
    env: request.env,
    extendEnv: false,
    shell: request.shell ?? false,
    detached: true,
    cleanup: false,
    reject: false,
    buffer: false,
    stdin: "ignore",
    stdout: request.stdout,
    stderr: request.stderr,
    ...(request.ipc ? { ipc: true, serialization: "json" as const } : {}),
  });
  // The exit comes from the process itself ("exit"), not from its pipes closing (execa's
  // promise), which a descendant holding them can delay indefinitely.
  const exit = new Promise<{ exitCode: number | null; signal: string | null }>((resolve) => {
    subprocess.once("exit", (code, signal) => resolve({ exitCode: signal ? null : code, signal }));
  });
  await new Promise<void>((resolve, reject) => {
    subprocess.once("spawn", resolve);
    subprocess.once("error", reject);
  }).catch(async () => {
    const result = await subprocess;
    throw new SpawnError(request.command, result.shortMessage ?? "spawn failed", result.cause ?? result);
  });
  void subprocess.catch(() => {}); // settled through "exit"; execa's own promise is not awaited
  return {
    pid: subprocess.pid!,
    exit,
    pipe(sinks) {
      for (const name of ["stdout", "stderr"] as const) {
        const sink = sinks[name];
        const stream = subprocess[name];
        if (sink === undefined || stream === null) continue;
        let ended = false;
        const end = (): void => {
          if (!ended) (ended = true), sink.end();
        };
        stream.on("data", (chunk: Uint8Array) => {
          if (ended) return;
          sink.push(chunk);
          const backlog = sink.backlog();
          if (backlog !== undefined) stream.pause(), void backlog.then(() => stream.resume());
        });
        stream.once("end", end);
        stream.once("close", end);
        void exit.then(() => setTimeout(() => ended || (stream.destroy(), end()), DRAIN_MS));
      }
    },
    onMessage(listener) {
      subprocess.on("message", listener);
      return () => subprocess.off("message", listener);
    },
  };
};
