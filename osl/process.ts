import { execa, type Result } from "execa";
import { type ActorContext, type ActorRef, type Behavior, ForwardingRef, type Startable } from "../src/actor.ts";
import type { ProcessSample } from "../src/events.ts";
import type { ExitReason } from "../src/exit_reason.ts";
import { type TcpReadiness, waitForTcpPort } from "./readiness.ts";
import { killGroup } from "./_runtime.ts";
import { procEntry } from "./_proc.ts";
import { Reaper } from "./_reaper.ts";
import { exceededLimit, type ResourceLimits, sampleProcess } from "./sampler.ts";

/** Where a child's stdout or stderr goes: dropped, the runtime's own, or a line callback. */
export type OutputHandling = "ignore" | "inherit" | ((line: string) => void);

/**
 * An OS process as a supervised child.
 *
 * - `command`, `args`: run directly, never through a shell unless `shell` names one
 *   (e.g. `shell: "/bin/sh"`).
 * - `cwd`, `env` (added to the runtime's environment).
 * - `stdout`, `stderr`: @default "ignore"
 * - `stopSignal`: sent to the child's process group on an orderly stop. @default "SIGTERM"
 * - `successExitCodes`: exit codes that count as a `"normal"` exit. @default [0]
 * - `readiness`: the start completes (and the supervisor starts the next sibling)
 *   only once this TCP port accepts a connection; the start fails after `timeoutMs`.
 * - `limits`: sampled every `sampleIntervalMs` (default 1000 ms); a sample over a
 *   limit stops the child with `{ error: ResourceLimitError }` (abnormal).
 */
export interface OsProcessSpec {
  command: string;
  args?: readonly string[];
  cwd?: string;
  env?: Record<string, string>;
  stdout?: OutputHandling;
  stderr?: OutputHandling;
  stopSignal?: NodeJS.Signals;
  successExitCodes?: readonly number[];
  readiness?: TcpReadiness;
  limits?: ResourceLimits;
  shell?: string;
}

/** What a process actor accepts: `{ type: "signal", signal }` signals its process group. */
export type OsProcessMessage = { type: "signal"; signal: NodeJS.Signals };

class ProcessExited {
  constructor(readonly reason: ExitReason) {}
}

class Sampled {
  constructor(readonly sample: ProcessSample) {}
}

type Internal = OsProcessMessage | ProcessExited | Sampled;

/** The live facts of one started process, read by `OsProcessRef`. */
class Handle {
  pid: number | undefined;
  /** Start time of `pid` (clock ticks since boot): with the pid, the process's identity. */
  startTime: number | undefined;
  sample: ProcessSample | undefined;
  running = false;
  /** Set once the actor is stopping: its own bookkeeping messages are no longer sent. */
  stopping = false;
  exit: Promise<ExitReason> | undefined;
}

/**
 * The ref of a process actor: an `ActorRef` plus the OS `pid` and the latest
 * resource `sample` (both `undefined` until known).
 */
export class OsProcessRef extends ForwardingRef<OsProcessMessage> {
  #handle: Handle;
  constructor(target: ActorRef<OsProcessMessage>, handle: Handle) {
    super(target);
    this.#handle = handle;
  }
  /** OS process id (also its process group id). */
  get pid(): number | undefined {
    return this.#handle.pid;
  }
  /**
   * Sends `signal` to the process group, only while it runs and only if its pid still
   * belongs to the process this actor started (pid plus start time): a stale ref never
   * signals another process. Returns whether it was sent.
   */
  signal(signal: NodeJS.Signals): boolean {
    const h = this.#handle;
    return h.running && h.pid !== undefined && killGroup(h.pid, signal, h.startTime);
  }
  /** Latest pidusage sample. */
  get sample(): ProcessSample | undefined {
    return this.#handle.sample;
  }
}

function exitReason(result: Result, successExitCodes: readonly number[]): ExitReason {
  if (result.signal) return { exitCode: null, signal: result.signal };
  const exitCode = result.exitCode ?? null;
  return exitCode !== null && successExitCodes.includes(exitCode) ? "normal" : { exitCode, signal: null };
}

function stdio(handling: OutputHandling): "ignore" | "inherit" | { transform: (line: unknown) => Generator<never> } {
  if (typeof handling !== "function") return handling;
  return {
    *transform(line: unknown) {
      handling(String(line));
    },
  };
}

function validate(spec: OsProcessSpec): void {
  const fail = (field: string, rule: string, value: unknown) =>
    new TypeError(`Cannot start OS process as '${field}' ${rule}: current value is ${JSON.stringify(value)}`);
  if (typeof spec?.command !== "string" || spec.command === "") throw fail("command", "must be a non-empty string", spec?.command);
  if (spec.args !== undefined && (!Array.isArray(spec.args) || spec.args.some((a) => typeof a !== "string"))) {
    throw fail("args", "must be an array of strings", spec.args);
  }
  const port = spec.readiness?.tcpPort;
  if (spec.readiness !== undefined && !(Number.isInteger(port) && port! > 0 && port! < 65536)) {
    throw fail("readiness.tcpPort", "must be an integer port from 1 to 65535", port);
  }
  for (const key of ["maxRssBytes", "maxCpuPercent", "sampleIntervalMs"] as const) {
    const value = spec.limits?.[key];
    if (value !== undefined && !(typeof value === "number" && value > 0)) throw fail(`limits.${key}`, "must be a positive number", value);
  }
}

/**
 * An OS process as an actor, usable as any child's `start`: spawned with execa in
 * its own process group, no shell. Its exit becomes the actor's exit: a success
 * code is `"normal"`, anything else `{ exitCode, signal }`. An orderly stop sends
 * `stopSignal` to the group and waits for the exit (the supervisor's `shutdown`
 * bounds the wait, then kills); a kill sends SIGKILL to the group. After the leader
 * exits, what is left of its group is SIGKILLed, so no descendant in it outlives it.
 * A command that cannot start (not found, not executable) fails the start with
 * execa's error as the cause.
 *
 * @throws {TypeError} at once when the spec is invalid, naming the field
 * @example
 * ```ts
 * const sup = system.spawn(supervisor({
 *   strategy: "one_for_one",
 *   children: [{ id: "web", start: osProcess({ command: "node", args: ["server.js"], readiness: { tcpPort: 8080 } }) }],
 * }));
 * ```
 */
export function osProcess(spec: OsProcessSpec): Startable<OsProcessMessage, OsProcessRef> {
  validate(spec);
  return {
    type: "worker",
    instantiate(ref) {
      const handle = new Handle();
      return { behavior: processBehavior(spec, handle) as Behavior<Handle, OsProcessMessage>, ref: new OsProcessRef(ref, handle) };
    },
  };
}

function processBehavior(spec: OsProcessSpec, handle: Handle): Behavior<Handle, Internal> {
  const { stopSignal = "SIGTERM", successExitCodes = [0], limits = {} } = spec;
  return {
    async init(ctx: ActorContext<Internal>) {
      const subprocess = execa(spec.command, spec.args ?? [], {
        cwd: spec.cwd,
        env: spec.env,
        shell: spec.shell ?? false,
        detached: true,
        cleanup: false,
        reject: false,
        buffer: false,
        stdin: "ignore",
        stdout: stdio(spec.stdout ?? "ignore"),
        stderr: stdio(spec.stderr ?? "ignore"),
      });
      const exited = new AbortController();
      const reaper = ctx.extension(Reaper, () => new Reaper());
      handle.exit = subprocess.then((result) => {
        handle.running = false;
        if (handle.pid !== undefined) {
          killGroup(handle.pid, "SIGKILL", handle.startTime); // leftovers of the group
          reaper.release(handle.pid); // and of its tree, setsid'd descendants included
        }
        const reason = exitReason(result, successExitCodes);
        exited.abort(reason);
        return reason;
      });
      await new Promise<void>((resolve, reject) => {
        subprocess.once("spawn", resolve);
        subprocess.once("error", reject);
      }).catch(async () => {
        const result = await subprocess;
        throw new Error(`Cannot start '${spec.command}': ${result.shortMessage}`, { cause: result.cause ?? result });
      });
      const pid = subprocess.pid!;
      handle.pid = pid;
      handle.startTime = procEntry(pid)?.startTime;
      handle.running = true;
      if (handle.startTime !== undefined) reaper.guard(pid, handle.startTime);
      const kill = () => handle.running && killGroup(pid, "SIGKILL", handle.startTime);
      ctx.signal.addEventListener("abort", () => {
        handle.stopping = true;
        kill();
      }, { once: true });
      const tell = (message: ProcessExited | Sampled) => {
        if (!handle.stopping) ctx.self.send(message);
      };
      void handle.exit.then((reason) => tell(new ProcessExited(reason)));
      const over = AbortSignal.any([exited.signal, ctx.signal]); // the process exited or the actor did
      if (spec.readiness !== undefined) {
        await waitForTcpPort(spec.readiness, over).catch((error) => {
          kill();
          throw exited.signal.aborted ? new Error(`Process exited before it was ready`, { cause: exited.signal.reason }) : error;
        });
      }
      const timer = setInterval(() => {
        sampleProcess(pid).then((sample) => tell(new Sampled(sample)), () => {});
      }, limits.sampleIntervalMs ?? 1000);
      over.addEventListener("abort", () => clearInterval(timer), { once: true });
      return handle;
    },

    receive(h, message, ctx) {
      if (message instanceof ProcessExited) {
        h.stopping = true;
        ctx.stop(message.reason);
      }
      else if (message instanceof Sampled) {
        if (!h.running) return h;
        h.sample = message.sample;
        ctx.events.publish({ type: "process_sample", actor: ctx.self.id, pid: h.pid!, sample: message.sample });
        const error = exceededLimit(message.sample, limits);
        if (error !== undefined) ctx.stop({ error });
      } else if (message.type === "signal" && h.running) killGroup(h.pid!, message.signal, h.startTime);
      return h;
    },

    async terminate(h) {
      h.stopping = true;
      if (!h.running) return;
      killGroup(h.pid!, stopSignal, h.startTime);
      killGroup(h.pid!, "SIGCONT", h.startTime); // a stopped (paused) process acts on it only once continued
      await h.exit;
    },
  };
}
