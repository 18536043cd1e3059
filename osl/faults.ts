import type { ActorRef, ActorSystem, SystemEvent } from "../mod.ts";
import { after, refusal } from "../src/internal.ts";
import { OsProcessRef } from "./process.ts";
import type { Signal } from "./process_spec.ts";

/**
 * Sends `signal` to the process group of an OS process child. Only the process the
 * ref started is ever signalled (pid plus start time). Returns whether it was sent
 * (false once the process has exited).
 *
 * @example
 * ```ts
 * import { ActorSystem, supervisor } from "@airssys/rt";
 * import { kill, osProcess, type OsProcessRef } from "@airssys/rt/osl";
 * await using system = new ActorSystem();
 * const sup = system.spawn(supervisor({
 *   strategy: "one_for_one",
 *   children: [{ id: "sleeper", start: osProcess({ command: "sleep", args: ["30"] }) }],
 * }));
 * const [sleeper] = await sup.whichChildren();
 * kill(sleeper.ref as OsProcessRef); // SIGKILL: the supervisor starts a new `sleep`
 * ```
 */
export function kill(ref: OsProcessRef, signal: Signal = "SIGKILL"): boolean {
  return ref.signal(signal);
}

/** Freezes an OS process child (SIGSTOP to its group): a hung daemon, for liveness checks to find. */
export function pause(ref: OsProcessRef): boolean {
  return ref.signal("SIGSTOP");
}

/** Continues a paused OS process child (SIGCONT). */
export function resume(ref: OsProcessRef): boolean {
  return ref.signal("SIGCONT");
}

/**
 * Makes an actor exit with `{ error }`, as if its handler had thrown `error` (OTP's
 * `exit(Pid, Reason)` with an abnormal reason); it stops after the current message.
 */
export function crash(ref: ActorRef<never>, error: unknown = new Error("injected crash")): Promise<void> {
  return ref.stop({ error });
}

/** A fault `chaos` can inject. `crash` suits any actor; the others need an OS process. */
export type Fault = "kill" | "crash" | "pause";

/** The options of `chaos`. */
export interface ChaosOptions {
  /** The refs to hit, or a function returning them at each injection (e.g. the current children of a supervisor, which change as they restart). */
  targets: readonly ActorRef<never>[] | (() => readonly ActorRef<never>[] | Promise<readonly ActorRef<never>[]>);
  /** Injections per second, spread evenly. */
  ratePerSecond: number;
  /** How long the run lasts, in ms. */
  durationMs: number;
  /** Drawn from at each injection. @default ["kill"] */
  faults?: readonly Fault[];
  /** The same seed gives the same schedule (times, target index, fault). @default 1 */
  seed?: number;
  /** How long a paused process stays paused, in ms. @default 1000 */
  pauseMs?: number;
  /** After the last injection, events are still recorded this long, in ms. @default 1000 */
  settleMs?: number;
  /** Stops the run early. @default none */
  signal?: AbortSignal;
}

/** One planned injection: when (ms after the start), which target (index) and which fault. */
export interface PlannedFault {
  /** When, in ms after the start. */
  atMs: number;
  /** Which target: an index taken modulo the targets at that moment. */
  targetIndex: number;
  /** Which fault. */
  fault: Fault;
}

/** One injection as it happened: `skipped` says why nothing was done (target gone or not an OS process). */
export interface InjectedFault extends PlannedFault {
  /** The actor hit, if any. */
  actor: string | undefined;
  /** Its OS pid, for an OS process. */
  pid: number | undefined;
  /** Why nothing was done, if nothing was. */
  skipped?: "no_target" | "not_running" | "not_an_os_process";
}

/** What `chaos` did and what the runtime did meanwhile. */
export interface ChaosReport {
  /** The seed of the schedule. */
  seed: number;
  /** Each injection, in order. */
  injected: InjectedFault[];
  /** Supervision events seen during the run: child_exited, child_restarted, child_start_failed, supervisor_shutdown. */
  events: SystemEvent[];
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The schedule `chaos` follows for these options: a pure function of them (replayable). */
export function chaosPlan(
  options: Pick<ChaosOptions, "ratePerSecond" | "durationMs" | "faults" | "seed">,
): PlannedFault[] {
  const { ratePerSecond, durationMs, faults = ["kill"], seed = 1 } = options;
  if (!(ratePerSecond > 0)) {
    throw refusal("chaos options", "ratePerSecond", "must be a positive number", ratePerSecond, RangeError);
  }
  if (!(durationMs >= 0)) {
    throw refusal("chaos options", "durationMs", "must be a non-negative number of ms", durationMs, RangeError);
  }
  const known = ["kill", "crash", "pause"];
  if (faults.length === 0 || faults.some((f) => !known.includes(f))) {
    throw refusal("chaos options", "faults", 'must be a non-empty list of "kill", "crash", "pause"', faults);
  }
  const next = random(seed);
  const count = Math.floor((durationMs / 1000) * ratePerSecond);
  return Array.from({ length: count }, (_, i) => ({
    atMs: (i * 1000) / ratePerSecond,
    targetIndex: Math.floor(next() * 2 ** 31),
    fault: faults[Math.floor(next() * faults.length)],
  }));
}

const SUPERVISION = new Set(["child_exited", "child_restarted", "child_start_failed", "supervisor_shutdown"]);

/**
 * Injects faults on a seeded schedule into a running system and reports each one with
 * the supervision events that followed: the way to write fault-injection tests of your
 * own daemons (does the tree come back? does it escalate as designed?). A target is
 * picked as `targetIndex % targets.length` among the targets at that moment.
 *
 * @example
 * ```ts
 * import { ActorSystem, supervisor } from "@airssys/rt";
 * import { chaos, osProcess } from "@airssys/rt/osl";
 * await using system = new ActorSystem();
 * const sleeper = osProcess({ command: "sleep", args: ["30"] });
 * const sup = system.spawn(supervisor({
 *   strategy: "one_for_one",
 *   intensity: 10,
 *   children: [{ id: "a", start: sleeper }, { id: "b", start: sleeper }],
 * }));
 * const report = await chaos(system, {
 *   targets: async () => (await sup.whichChildren()).flatMap((c) => (c.ref ? [c.ref] : [])),
 *   ratePerSecond: 10, durationMs: 300, settleMs: 300, seed: 42,
 * });
 * console.log(report.injected.length, report.events.filter((e) => e.type === "child_restarted").length);
 * ```
 */
export async function chaos(system: ActorSystem, options: ChaosOptions): Promise<ChaosReport> {
  const { targets, pauseMs = 1000, settleMs = 1000, signal, seed = 1 } = options;
  const plan = chaosPlan(options);
  const events: SystemEvent[] = [];
  const off = system.events.subscribe((event) => SUPERVISION.has(event.type) && events.push(event));
  const injected: InjectedFault[] = [];
  const start = performance.now();
  try {
    for (const planned of plan) {
      const wait = planned.atMs - (performance.now() - start);
      if (wait > 0) await new Promise<void>((resolve) => after(wait, resolve));
      if (signal?.aborted) break;
      const current = typeof targets === "function" ? await targets() : targets;
      const ref = current.length > 0 ? current[planned.targetIndex % current.length] : undefined;
      const pid = ref instanceof OsProcessRef ? ref.pid : undefined;
      const entry: InjectedFault = { ...planned, actor: ref?.id, pid };
      if (ref === undefined) entry.skipped = "no_target";
      else if (!ref.alive) entry.skipped = "not_running";
      else if (planned.fault === "crash") void crash(ref, new Error(`chaos (seed ${seed})`));
      else if (!(ref instanceof OsProcessRef)) entry.skipped = "not_an_os_process";
      else if (planned.fault === "kill" ? !kill(ref) : !pause(ref)) entry.skipped = "not_running";
      else if (planned.fault === "pause") after(pauseMs, () => resume(ref));
      injected.push(entry);
    }
    if (!signal?.aborted) await new Promise<void>((resolve) => after(settleMs, resolve));
  } finally {
    off();
  }
  return { seed, injected, events };
}
