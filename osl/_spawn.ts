import { execa } from "execa";

/** What the process actor asks of a spawn adapter. */
export interface SpawnRequest {
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Run through this shell (execa only). */
  shell?: string;
  stdout: "ignore" | "inherit" | "pipe";
  stderr: "ignore" | "inherit" | "pipe";
  /** Open an IPC channel (JSON messages) to the child. */
  ipc: boolean;
}

/** A byte sink for a piped stream: chunks in order, then `end`. */
export interface Sink {
  push(chunk: Uint8Array): void;
  end(): void;
}

/**
 * A started child, in its own process group (and session). `exit` resolves with its
 * exit code or signal once it has exited and been reaped; it never rejects.
 */
export interface Spawned {
  pid: number;
  exit: Promise<{ exitCode: number | null; signal: string | null }>;
  /** Sends each piped stream's bytes to `sinks`; call once, right after the start. */
  pipe(sinks: { stdout?: Sink; stderr?: Sink }): void;
  /** Registers a listener for IPC messages; returns its removal. */
  onMessage(listener: (message: unknown) => void): () => void;
}

/** Starts a child; rejects (with the cause) when the command cannot be started. */
export type Spawner = (request: SpawnRequest) => Promise<Spawned>;

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
    throw new Error(`Cannot start '${request.command}': ${result.shortMessage}`, { cause: result.cause ?? result });
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
