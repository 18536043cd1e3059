import {
  type ActorContext,
  type ActorRef,
  type Behavior,
  type ExitReason,
  ForwardingRef,
  type Startable,
} from "../mod.ts";
import process from "node:process";
import { parseSpec, refusal } from "../src/internal.ts";
import { groupGone, killGroup } from "./_group.ts";
import { LogCapture, type LogLine } from "./logs.ts";
import { waitUntilReady } from "./probes.ts";
import { type OsProcessSpec, osProcessSpecSchema, type OutputHandling, type Signal } from "./process_spec.ts";
import { procEntry } from "./_proc.ts";
import { Reaper } from "./_reaper.ts";
import { LimitWatch, type ProcessSample, Sampler } from "./sampler.ts";
import { logFileProblem } from "./_rotating_file.ts";
import { runtimeInfo } from "./_runtime.ts";
import type { Sink, Spawned, Spawner } from "./_spawn.ts";
import { execaSpawner } from "./_spawn_execa.ts";
import { nativeSpawner } from "./_spawn_native.ts";

/** What a process actor accepts: `{ type: "signal", signal }` signals its process group. */
export type OsProcessMessage = { type: "signal"; signal: Signal };

class ProcessExited {
  readonly reason: ExitReason;
  constructor(reason: ExitReason) {
    this.reason = reason;
  }
}

class Sampled {
  readonly sample: ProcessSample;
  constructor(sample: ProcessSample) {
    this.sample = sample;
  }
}

type Internal = OsProcessMessage | ProcessExited | Sampled;

/** The live facts of one started process, read by `OsProcessRef`. */
class Handle {
  pid: number | undefined;
  /** Start time of `pid` (clock ticks since boot): with the pid, the process's identity. */
  startTime: number | undefined;
  sample: ProcessSample | undefined;
  running = false;
  /** Consecutive samples over a limit (the `forSamples` hysteresis). */
  readonly limits: LimitWatch;
  constructor(limits: LimitWatch) {
    this.limits = limits;
  }
  /** Set once the actor is stopping: its own bookkeeping messages are no longer sent. */
  stopping = false;
  exit: Promise<ExitReason> | undefined;
}

/**
 * The ref of a process actor: an `ActorRef` plus the OS `pid`, the latest resource
 * `sample` (both `undefined` until known) and the latest output lines.
 */
export class OsProcessRef extends ForwardingRef<OsProcessMessage> {
  #handle: Handle;
  #logs: LogCapture;
  /** Made by `osProcess` for each start; not for users to construct. */
  constructor(target: ActorRef<OsProcessMessage>, handle: Handle, logs: LogCapture) {
    super(target);
    this.#handle = handle;
    this.#logs = logs;
  }
  /** The latest captured lines of this run of the child, oldest first (`logs.lines` of them); still readable after it exited. */
  logs(): LogLine[] {
    return this.#logs.lines();
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
  signal(signal: Signal): boolean {
    const h = this.#handle;
    return h.running && h.pid !== undefined && killGroup(h.pid, signal, h.startTime);
  }
  /** Latest pidusage sample. */
  get sample(): ProcessSample | undefined {
    return this.#handle.sample;
  }
}

function exitReason(
  exit: { exitCode: number | null; signal: string | null },
  successExitCodes: readonly number[],
): ExitReason {
  if (exit.signal !== null) return { exitCode: null, signal: exit.signal };
  return exit.exitCode !== null && successExitCodes.includes(exit.exitCode) ? "normal" : exit;
}

/**
 * An OS process as an actor, usable as any child's `start`: spawned (execa by
 * default) in its own process group and session, no shell. Its exit becomes the
 * actor's exit: a success code is `"normal"`, anything else `{ exitCode, signal }`.
 * An orderly stop sends `stopSignal` (then SIGCONT) to the group and waits for the
 * exit (the supervisor's `shutdown` bounds the wait, then kills); a kill sends
 * SIGKILL to the group. After the leader exits, what is left of its tree is killed,
 * and the system's reaper kills the whole tree if the runtime itself dies. A command
 * that cannot start (not found, not executable) fails the start with the cause.
 *
 * @throws {TypeError} at once when the spec is invalid, naming the field
 * @example
 * ```ts
 * import { ActorSystem, supervisor } from "@airssys/rt";
 * import { osProcess } from "@airssys/rt/osl";
 * await using system = new ActorSystem();
 * const worker = osProcess({
 *   command: "node",
 *   args: ["-e", "console.log('ready'); setInterval(() => {}, 1000)"],
 *   readiness: { logLine: "ready" }, // the next sibling starts once this line is printed
 * });
 * const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [{ id: "worker", start: worker }] }));
 * const [row] = await sup.whichChildren();
 * console.log(row.pid);
 * ```
 */
export function osProcess(spec: OsProcessSpec): Startable<OsProcessMessage, OsProcessRef> {
  parseSpec(osProcessSpecSchema, spec, "OS process spec");
  const file = spec.logs?.file;
  const problem = file === undefined ? undefined : logFileProblem(file);
  if (problem !== undefined) throw refusal("OS process spec", "logs.file", problem, file);
  return {
    type: "worker",
    instantiate(ref) {
      // Each run has its own: one spec may start several children, and a restarted
      // child's readiness must not pass on its predecessor's lines.
      const handle = new Handle(new LimitWatch(spec.limits ?? {}));
      const logs = new LogCapture(spec.logs);
      return {
        behavior: processBehavior(spec, handle, logs) as Behavior<unknown, OsProcessMessage>,
        ref: new OsProcessRef(ref, handle, logs),
        facts:
          () => (handle.pid === undefined
            ? {}
            : { pid: handle.pid, sample: handle.sample, unhealthy: unhealthy(handle) }),
      };
    },
  };
}

/** Why the process cannot be healthy now: stopped (SIGSTOP, `T` in /proc/<pid>/stat) or a zombie. */
function unhealthy(handle: Handle): string | undefined {
  if (!handle.running) return undefined;
  const state = procEntry(handle.pid!)?.state;
  if (state === "T" || state === "t") return `process ${handle.pid} is stopped (state ${state})`;
  if (state === "Z") return `process ${handle.pid} is a zombie`;
  return undefined;
}

const SAMPLER = {};
const REAPER = {};

function outputMode(handling: OutputHandling | undefined): "ignore" | "inherit" | "pipe" {
  return handling === "ignore" || handling === "inherit" ? handling : "pipe";
}

/** The child's whole environment: what it inherits (`inheritEnv`) plus `env`. */
function childEnv(spec: OsProcessSpec): Record<string, string> {
  const { inheritEnv = true, env = {} } = spec;
  const inherited = Object.entries(process.env).filter(([name, value]) =>
    value !== undefined && (inheritEnv === true || (Array.isArray(inheritEnv) && inheritEnv.includes(name)))
  );
  return { ...Object.fromEntries(inherited) as Record<string, string>, ...env };
}

/** Deno's node:child_process (under execa) grows RSS with every spawn: native is its default. */
function spawnerOf(spec: OsProcessSpec): Spawner {
  const needsExeca = spec.shell !== undefined || (spec.readiness !== undefined && "ipcMessage" in spec.readiness);
  const kind = spec.spawn ?? (runtimeInfo().name === "deno" && !needsExeca ? "native" : "execa");
  return kind === "native" ? nativeSpawner : execaSpawner;
}

function processBehavior(spec: OsProcessSpec, handle: Handle, logs: LogCapture): Behavior<Handle, Internal> {
  const { stopSignal = "SIGTERM", successExitCodes = [0], limits = {} } = spec;
  const stop = (h: Handle, signal: Signal) => {
    killGroup(h.pid!, signal, h.startTime);
    killGroup(h.pid!, "SIGCONT", h.startTime); // a stopped (paused) process acts on a signal only once continued
  };
  return {
    async init(ctx: ActorContext<Internal>) {
      const child = await spawnerOf(spec)({
        command: spec.command,
        args: spec.args ?? [],
        cwd: spec.cwd,
        env: childEnv(spec),
        shell: spec.shell,
        stdout: outputMode(spec.stdout),
        stderr: outputMode(spec.stderr),
        ipc: spec.readiness !== undefined && "ipcMessage" in spec.readiness,
      });
      const pid = child.pid;
      handle.pid = pid;
      handle.startTime = procEntry(pid)?.startTime;
      handle.running = true;
      const reaper = ctx.extension(REAPER, () => new Reaper());
      if (handle.startTime !== undefined) reaper.guard(pid, handle.startTime);
      const kill = () => handle.running && killGroup(pid, "SIGKILL", handle.startTime);
      const exited = new AbortController();
      handle.exit = child.exit.then((exit) => {
        handle.running = false;
        killGroup(pid, "SIGKILL", handle.startTime); // leftovers of the group
        reaper.release(pid); // and of its tree, setsid'd descendants included
        const reason = exitReason(exit, successExitCodes);
        exited.abort(reason);
        return reason;
      });
      const onKill = () => {
        handle.stopping = true;
        kill();
      };
      ctx.signal.addEventListener("abort", onKill, { once: true });
      if (ctx.signal.aborted) onKill(); // killed while the spawn was under way
      const tell = (message: ProcessExited | Sampled) => {
        if (!handle.stopping) ctx.self.send(message);
      };
      void handle.exit.then((reason) => tell(new ProcessExited(reason)));
      captureOutput(ctx, child, logs, spec);
      try {
        if (spec.readiness !== undefined) {
          const view = { pid, logs, onMessage: child.onMessage };
          await waitUntilReady(spec.readiness, view, AbortSignal.any([exited.signal, ctx.signal]), ctx.stopping);
        }
      } catch (error) {
        // No process without an actor: the tree goes before the failure is reported. A
        // stop that cancelled the wait stops it as an orderly stop would (the stopper's
        // `shutdown` deadline kills it if it does not exit).
        handle.stopping = true;
        if (handle.running) ctx.stopping.aborted && !ctx.signal.aborted ? stop(handle, stopSignal) : kill();
        await handle.exit;
        await groupGone(pid);
        throw error;
      }
      const sampler = ctx.extension(SAMPLER, () => new Sampler());
      const stopSampling = sampler.watch(pid, limits, (sample) => tell(new Sampled(sample)));
      AbortSignal.any([exited.signal, ctx.signal]).addEventListener("abort", stopSampling, { once: true });
      return handle;
    },

    receive(h, message, ctx) {
      if (message instanceof ProcessExited) {
        h.stopping = true;
        ctx.stop(message.reason);
      } else if (message instanceof Sampled) {
        if (!h.running) return h;
        h.sample = message.sample;
        ctx.events.publish({ type: "process_sample", actor: ctx.self.id, pid: h.pid!, sample: message.sample });
        const error = h.limits.check(message.sample);
        if (error !== undefined) ctx.stop({ error });
      } else if (message.type === "signal" && h.running) killGroup(h.pid!, message.signal, h.startTime);
      return h;
    },

    async terminate(h) {
      h.stopping = true;
      if (!h.running) return;
      stop(h, stopSignal);
      await h.exit;
    },
  };
}

/**
 * Feeds the child's piped output into `logs` (this run's own), line callbacks and `log`
 * events, until its streams end (after the exit, for lines still in the pipe).
 */
function captureOutput(ctx: ActorContext<Internal>, child: Spawned, logs: LogCapture, spec: OsProcessSpec): void {
  const sinks: { stdout?: Sink; stderr?: Sink } = {};
  if (outputMode(spec.stdout) === "pipe") sinks.stdout = logs.stream("stdout");
  if (outputMode(spec.stderr) === "pipe") sinks.stderr = logs.stream("stderr");
  child.pipe(sinks);
  const callbacks = { stdout: spec.stdout, stderr: spec.stderr };
  const actor = ctx.self.id;
  logs.listen((entry) => {
    const callback = callbacks[entry.stream];
    if (typeof callback === "function") callback(entry.line);
    if (ctx.events.observed) {
      ctx.events.publish({ type: "log", actor, pid: child.pid, stream: entry.stream, line: entry.line });
    }
  });
  logs.onFileError((error, file) => ctx.events.publish({ type: "log_error", actor, pid: child.pid, file, error }));
}
