/** What the process actor asks of a spawn adapter. */
export interface SpawnRequest {
  command: string;
  args: readonly string[];
  cwd?: string;
  /** The child's whole environment (the adapter passes nothing else). */
  env: Record<string, string>;
  /** Run through this shell (execa only). */
  shell?: string;
  stdout: "ignore" | "inherit" | "pipe";
  stderr: "ignore" | "inherit" | "pipe";
  /** Open an IPC channel (JSON messages) to the child. */
  ipc: boolean;
}

/**
 * A byte sink for a piped stream: chunks in order, then `end`. After a push, `backlog()`
 * returns a promise when the sink wants the reader to wait (a log file behind): the
 * reader stops reading the pipe until it settles, so the child's writes block, as on a
 * slow terminal.
 */
export interface Sink {
  push(chunk: Uint8Array): void;
  end(): void;
  backlog(): Promise<void> | undefined;
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

/** Starts a child; rejects with a `SpawnError` when the command cannot be started. */
export type Spawner = (request: SpawnRequest) => Promise<Spawned>;
