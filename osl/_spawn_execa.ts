import { execa } from "execa";
import { SpawnError } from "./errors.ts";
import type { Spawner } from "./_spawn.ts";

/** The default adapter: execa (no shell unless asked, its errors as causes). */
export const execaSpawner: Spawner = async (request) => {
  const subprocess = execa(request.command, request.args, {
    cwd: request.cwd,
    env: request.env,
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
  const exit = subprocess.then((result) => ({
    exitCode: result.signal ? null : result.exitCode ?? null,
    signal: result.signal ?? null,
  }));
  await new Promise<void>((resolve, reject) => {
    subprocess.once("spawn", resolve);
    subprocess.once("error", reject);
  }).catch(async () => {
    const result = await subprocess;
    throw new SpawnError(request.command, result.shortMessage ?? "spawn failed", result.cause ?? result);
  });
  return {
    pid: subprocess.pid!,
    exit,
    pipe(sinks) {
      for (const name of ["stdout", "stderr"] as const) {
        const sink = sinks[name];
        const stream = subprocess[name];
        if (sink === undefined || stream === null) continue;
        stream.on("data", (chunk: Uint8Array) => sink.push(chunk));
        stream.once("end", () => sink.end());
      }
    },
    onMessage(listener) {
      subprocess.on("message", listener);
      return () => subprocess.off("message", listener);
    },
  };
};
