/**
 * A command that could not be started (not found, not executable, a bad `cwd`): the
 * start of its child fails with this error, naming the command; `cause` is the
 * adapter's error (execa's, or the runtime's).
 */
export class SpawnError extends Error {
  /** The error's name, for matching without `instanceof`. */
  override name = "SpawnError";
  /** The command that did not start. */
  readonly command: string;
  /** Made by a spawn adapter when a command cannot start. */
  constructor(command: string, detail: string, cause: unknown) {
    super(`Cannot start '${command}': ${detail}`, { cause });
    this.command = command;
  }
}

/**
 * A process that did not become ready: its readiness probe did not pass within
 * `timeoutMs`, or it exited first (`exited`, with its exit reason as `cause`).
 */
export class ReadinessError extends Error {
  /** The error's name, for matching without `instanceof`. */
  override name = "ReadinessError";
  /** What was awaited, e.g. `127.0.0.1:6379 accepted no connection`. */
  readonly probe: string;
  /** The readiness timeout, in ms. */
  readonly timeoutMs: number;
  /** True when the process exited before it was ready. */
  readonly exited: boolean;
  /** Made by a process actor whose readiness failed. */
  constructor(probe: string, timeoutMs: number, exited: boolean, cause?: unknown) {
    super(
      exited ? `Process exited before it was ready (${probe})` : `Readiness timed out: ${probe} within ${timeoutMs} ms`,
      { cause },
    );
    this.probe = probe;
    this.timeoutMs = timeoutMs;
    this.exited = exited;
  }
}

/**
 * The abnormal exit cause of a child stopped for exceeding a limit: names the limit
 * (`"maxRssBytes"` or `"maxCpuPercent"`), its value, the measured one (bytes or
 * percent) and for how many samples in a row it was over.
 */
export class ResourceLimitError extends Error {
  /** The error's name, for matching without `instanceof`. */
  override name = "ResourceLimitError";
  /** Which limit. */
  readonly limit: "maxRssBytes" | "maxCpuPercent";
  /** The limit's value (bytes or percent). */
  readonly max: number;
  /** The value measured (bytes or percent). */
  readonly measured: number;
  /** Samples in a row over the limit. */
  readonly samples: number;
  /** Made by a process actor over a limit. */
  constructor(limit: "maxRssBytes" | "maxCpuPercent", max: number, measured: number, samples = 1) {
    super(
      `${limit} exceeded: measured ${Math.round(measured)}, limit ${max}, for ${samples} sample${
        samples === 1 ? "" : "s"
      } in a row`,
    );
    this.limit = limit;
    this.max = max;
    this.measured = measured;
    this.samples = samples;
  }
}
