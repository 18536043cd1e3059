import {
  type ActorContext,
  type ActorRef,
  type Behavior,
  cellOf,
  type MailboxOptions,
  ExitSignal,
  ForwardingRef,
  type Startable,
} from "./actor.ts";
import { ChildStartError, SupervisorError, type SupervisorErrorReason } from "./errors.ts";
import type { ProcessSample } from "./events.ts";
import { type ExitReason, isNormalExit } from "./exit_reason.ts";
import {
  type AutoShutdown,
  type ChildType,
  type ResolvedSupervisorSpec,
  resolveChildSpec,
  resolveSupervisorSpec,
  type Restart,
  type Strategy,
} from "./_child_spec.ts";
import { type Shutdown, stopChild } from "./_stop_child.ts";
import { HealthCheckError, type Liveness, runCheck } from "./liveness.ts";

/**
 * One child of a supervisor (OTP's `child_spec()` map).
 *
 * - `restart`: `"permanent"` always restarted, `"transient"` only after an abnormal
 *   exit, `"temporary"` never (and forgotten when it exits). @default "permanent"
 * - `shutdown`: ms to wait after `"shutdown"` before killing, `"brutal_kill"`, or
 *   `"infinity"`. @default 5000, `"infinity"` for supervisors
 * - `type`: @default the Startable's type, else `"worker"`
 * - `significant`: its own exit may trigger the supervisor's `autoShutdown`; only
 *   for transient and temporary children. @default false
 * - `mailbox`: bound the child's mailbox (`MailboxOptions`). @default unbounded
 * - `backoff`: delay restarts (beyond OTP, opt-in): `initialMs`, then `factor` times
 *   longer each time up to `maxMs`, reset once the child stayed up `resetAfterMs`
 *   (default `maxMs`), spread by `jitter` (0-1, default 0). A delayed restart counts
 *   against intensity when the child exits, so a crash loop still escalates; the rest
 *   of its group stops at once and the child shows `restarting` meanwhile.
 * - `liveness`: a health check run every `intervalMs` while the child runs; after
 *   `failureThreshold` failures in a row the child is stopped with
 *   `{ error: HealthCheckError }` and the strategy applies (see `Liveness`). @default none
 * - `start`: a behaviour or a Startable; in a `simple_one_for_one` template it may also
 *   be a factory, called with the extra arguments of each `startChild(extraArgs)`.
 */
export interface ChildSpec {
  id: string;
  start: ChildStart;
  restart?: Restart;
  shutdown?: Shutdown;
  type?: ChildType;
  significant?: boolean;
  mailbox?: MailboxOptions;
  backoff?: Backoff;
  liveness?: Liveness;
}

/** Restart backoff of a child (see `ChildSpec.backoff`); all durations in ms. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** @default 2 */
  factor?: number;
  /** Fraction (0-1) by which each delay is randomly spread. @default 0 */
  jitter?: number;
  /** @default maxMs */
  resetAfterMs?: number;
}

/** What starts a child: a behaviour, a Startable, or (simple_one_for_one only) a factory of them. */
export type ChildStart =
  | Behavior<any, any>
  | Startable<any, any>
  | ((...extraArgs: any[]) => Behavior<any, any> | Startable<any, any>);

/** A child spec as the supervisor holds it: every default filled in. */
export type ResolvedChildSpec = ChildSpec & Required<Pick<ChildSpec, "restart" | "shutdown" | "type" | "significant">>;

/**
 * A supervisor's flags and children (OTP's `sup_flags()` plus the child list).
 *
 * - `strategy`: which children restart when one exits: `"one_for_one"` that one,
 *   `"one_for_all"` all, `"rest_for_one"` it and those started after it.
 *   `"simple_one_for_one"`: `children` holds one template and no child starts with the
 *   supervisor; `startChild(extraArgs)` starts one, `terminateChild(ref)` stops one,
 *   they restart one for one and stop concurrently on shutdown.
 * - `intensity` / `period`: more than `intensity` restarts within `period` ms and the
 *   supervisor stops its children and exits with `"shutdown"`. @default 1 / 5000
 * - `autoShutdown`: exit with `"shutdown"` when any / all significant children have
 *   exited of their own accord. @default "never"
 */
export interface SupervisorSpec {
  strategy: Strategy;
  intensity?: number;
  period?: number;
  autoShutdown?: AutoShutdown;
  children: ChildSpec[];
}

/** One row of `whichChildren()` (OTP's `which_children/1`, plus restarts and OS data). */
export interface ChildInfo {
  id: string;
  ref: ActorRef<any> | undefined;
  type: ChildType;
  status: "running" | "restarting" | "undefined";
  /** Restarts of this child since the supervisor started. */
  restarts: number;
  /** OS pid, for OS process children. */
  pid?: number;
  /** Latest resource sample, for OS process children. */
  sample?: ProcessSample;
}

/** `countChildren()` result (OTP's `count_children/1`). */
export interface ChildCounts {
  specs: number;
  active: number;
  supervisors: number;
  workers: number;
}

type Request =
  | { type: "which_children" }
  | { type: "count_children" }
  | { type: "start_child"; spec: ResolvedChildSpec }
  | { type: "start_dynamic_child"; args: unknown[] }
  | { type: "terminate_child"; id: string; byRef: boolean }
  | { type: "restart_child"; id: string }
  | { type: "delete_child"; id: string }
  | { type: "get_childspec"; id: string };

/** Messages a supervisor understands; use the `SupervisorRef` methods rather than these. */
export type SupervisorMessage = Request | ExitSignal | RetryRestart | DelayedStart | LivenessTick | LivenessResult;

type Reply<T> = { ok: T } | { error: SupervisorErrorReason | { failed: unknown } };

class RetryRestart {
  constructor(readonly child: Child) {}
}

/** A backoff delay has passed: start the group that was stopped for a restart. */
class DelayedStart {
  constructor(readonly children: Child[], readonly failed: Child) {}
}

/** Time to check a child's liveness; the same object is sent every interval. */
class LivenessTick {
  cancel: () => void = () => {};
  failures = 0;
  checking = false;
  constructor(readonly child: Child, readonly ref: ActorRef<any>) {}
}

class LivenessResult {
  constructor(readonly tick: LivenessTick, readonly error: unknown) {}
}

interface Child {
  spec: ResolvedChildSpec;
  /** simple_one_for_one: the extra arguments it was started with (kept for restarts). */
  args: unknown[];
  ref: ActorRef<any> | undefined;
  status: ChildInfo["status"];
  restarts: number;
  /** Clock time of its latest start, ms. */
  startedAt: number;
  /** The latest backoff delay, ms (undefined: the next one is `initialMs`). */
  lastDelayMs: number | undefined;
}

interface State {
  children: Child[];
  restartTimes: number[];
}

/**
 * The ref of a supervisor, with OTP's `supervisor` API as async methods. Refusals
 * throw `SupervisorError` (`reason` as OTP's error atom); a child that fails to start
 * throws `ChildStartError` with the cause.
 */
export class SupervisorRef extends ForwardingRef<SupervisorMessage> {
  async #call<T>(request: Request): Promise<T> {
    const reply = await this.target.ask<Reply<T>>(request, { timeoutMs: Infinity });
    if ("ok" in reply) return reply.ok;
    const id = "id" in request ? request.id : "spec" in request ? request.spec.id : "";
    if (typeof reply.error === "object") throw new ChildStartError(id, reply.error.failed);
    throw new SupervisorError(reply.error, id);
  }

  /**
   * Adds and starts a child (`supervisor:start_child/2`); for a simple_one_for_one
   * supervisor, pass the extra arguments for the template's factory instead.
   * @throws {SupervisorError} `already_present`, `already_started`
   * @throws {ChildStartError} when the child fails to start (or the form does not fit the strategy)
   */
  startChild(specOrExtraArgs: ChildSpec | unknown[]): Promise<ActorRef<any>> {
    if (Array.isArray(specOrExtraArgs)) return this.#call({ type: "start_dynamic_child", args: specOrExtraArgs });
    return this.#call({ type: "start_child", spec: resolveChildSpec(specOrExtraArgs, "spec") });
  }
  /**
   * Stops a child by id (its spec is kept unless temporary), or by ref (the only form
   * for simple_one_for_one, whose children are then forgotten) (`terminate_child/2`).
   * @throws {SupervisorError} `not_found`
   */
  terminateChild(idOrRef: string | ActorRef<any>): Promise<void> {
    const byRef = typeof idOrRef !== "string";
    return this.#call({ type: "terminate_child", id: byRef ? idOrRef.id : idOrRef, byRef });
  }
  /** Starts a stopped child again (`restart_child/2`). @throws {SupervisorError} `running`, `restarting`, `not_found`, `simple_one_for_one` */
  restartChild(id: string): Promise<ActorRef<any>> {
    return this.#call({ type: "restart_child", id });
  }
  /** Forgets a stopped child's spec (`delete_child/2`). @throws {SupervisorError} `running`, `restarting`, `not_found`, `simple_one_for_one` */
  deleteChild(id: string): Promise<void> {
    return this.#call({ type: "delete_child", id });
  }
  /** The child's spec with defaults filled in (`get_childspec/2`). @throws {SupervisorError} `not_found` */
  getChildSpec(id: string): Promise<ResolvedChildSpec> {
    return this.#call({ type: "get_childspec", id });
  }
  /** Every child in start order (`which_children/1`). */
  whichChildren(): Promise<ChildInfo[]> {
    return this.#call({ type: "which_children" });
  }
  /** Child counts (`count_children/1`). */
  countChildren(): Promise<ChildCounts> {
    return this.#call({ type: "count_children" });
  }
}

function newChild(spec: ResolvedChildSpec, args: unknown[]): Child {
  return { spec, args, ref: undefined, status: "undefined", restarts: 0, startedAt: 0, lastDelayMs: undefined };
}

function osInfo(ref: ActorRef<any> | undefined): { pid?: number; sample?: ProcessSample } {
  const r = ref as { pid?: unknown; sample?: ProcessSample } | undefined;
  return typeof r?.pid === "number" ? { pid: r.pid, sample: r.sample } : {};
}

/**
 * A supervisor as a `Startable`: spawn it, or use it as a child's `start` to nest it.
 * Children start in list order, each after the previous one's `init` (and readiness)
 * completed, and stop in reverse order. Mirrors OTP's `supervisor` behaviour.
 *
 * @throws {TypeError | RangeError} at once when the spec is invalid, naming the field
 * @example
 * ```ts
 * const sup = system.spawn(supervisor({
 *   strategy: "one_for_one",
 *   children: [{ id: "worker", start: { receive: (s, m) => s } }],
 * }));
 * console.log(await sup.whichChildren());
 * ```
 */
export function supervisor(spec: SupervisorSpec): Startable<SupervisorMessage, SupervisorRef> {
  const resolved = resolveSupervisorSpec(spec);
  return {
    type: "supervisor",
    instantiate(ref) {
      return { behavior: supervisorBehavior(resolved), ref: new SupervisorRef(ref) };
    },
  };
}

function supervisorBehavior(spec: ResolvedSupervisorSpec): Behavior<State, SupervisorMessage> {
  let ctx!: ActorContext<SupervisorMessage>;
  const simple = spec.strategy === "simple_one_for_one";

  const selfId = (): string => ctx.self.id;

  /** Starts `child`; publishes child_started unless it is a restart (which publishes child_restarted). */
  async function spawnChild(child: Child, restarting = false): Promise<void> {
    const { start, mailbox } = child.spec;
    function startFailed(error: unknown, actor: string): never {
      child.ref = undefined;
      child.status = "undefined";
      ctx.events.publish({ type: "child_start_failed", supervisor: selfId(), childId: child.spec.id, actor, error });
      throw error;
    }
    let ref: ActorRef<any>;
    try {
      ref = ctx.spawn(typeof start === "function" ? start(...child.args) : start, mailbox && { mailbox });
    } catch (error) { // the factory threw, or spawn refused its result
      startFailed(error, "");
    }
    child.ref = ref;
    child.status = "running";
    child.startedAt = ctx.clock.now();
    let outcome: "started" | "ignored";
    try {
      outcome = await cellOf(ref).whenStarted();
    } catch (error) {
      startFailed(error, ref.id);
    }
    if (outcome === "ignored") { // OTP's ignore: the spec stays, with no actor behind it
      child.ref = undefined;
      child.status = "undefined";
      return;
    }
    watchLiveness(child, ref);
    if (restarting) return;
    ctx.events.publish({
      type: "child_started",
      supervisor: selfId(),
      childId: child.spec.id,
      actor: ref.id,
      childType: child.spec.type,
      ...osInfo(ref),
    });
  }

  function watchLiveness(child: Child, ref: ActorRef<any>): void {
    const liveness = child.spec.liveness;
    if (liveness === undefined) return;
    const tick = new LivenessTick(child, ref);
    tick.cancel = ctx.sendInterval(ctx.self, tick, liveness.intervalMs ?? 10_000);
  }

  function onLivenessTick(tick: LivenessTick): void {
    if (tick.child.ref !== tick.ref) return tick.cancel(); // that run of the child is over
    if (tick.checking) return;
    tick.checking = true;
    const { check, timeoutMs = 1000 } = tick.child.spec.liveness!;
    runCheck(check, tick.ref, timeoutMs).then(
      () => ctx.self.send(new LivenessResult(tick, undefined)),
      (error) => ctx.self.send(new LivenessResult(tick, error ?? "failed")),
    );
  }

  function onLivenessResult({ tick, error }: LivenessResult): void {
    tick.checking = false;
    const child = tick.child;
    if (child.ref !== tick.ref) return;
    if (error === undefined) {
      tick.failures = 0;
      return;
    }
    tick.failures++;
    ctx.events.publish({ type: "health_check_failed", supervisor: selfId(), childId: child.spec.id, actor: tick.ref.id, failures: tick.failures, error });
    if (tick.failures < (child.spec.liveness!.failureThreshold ?? 3)) return;
    tick.cancel();
    void stopChild(tick.ref, child.spec.shutdown, { error: new HealthCheckError(child.spec.id, tick.failures, error) });
  }

  async function terminate(child: Child): Promise<void> {
    const ref = child.ref;
    if (ref === undefined) return;
    const { pid } = osInfo(ref);
    ctx.unlink(ref);
    await stopChild(ref, child.spec.shutdown);
    child.ref = undefined;
    child.status = "undefined";
    const reason = cellOf(ref).exitReason ?? "shutdown";
    ctx.events.publish({ type: "child_exited", supervisor: selfId(), childId: child.spec.id, actor: ref.id, reason, pid });
  }

  /** Stops `children` in reverse start order; simple_one_for_one children concurrently (OTP). */
  async function terminateAll(children: Child[]): Promise<void> {
    if (simple) await Promise.all(children.map(terminate));
    else for (const child of [...children].reverse()) await terminate(child);
  }

  /** Records a restart; false when intensity is exceeded (OTP's `add_restart`). */
  function addRestart(state: State): boolean {
    const now = ctx.clock.now();
    state.restartTimes = state.restartTimes.filter((t) => now - t < spec.period);
    state.restartTimes.push(now);
    return state.restartTimes.length <= spec.intensity;
  }

  function shutdownFor(reason: "reached_max_restart_intensity" | "auto_shutdown"): void {
    ctx.events.publish({ type: "supervisor_shutdown", supervisor: selfId(), reason });
    ctx.stop("shutdown");
  }

  /** Restarts `failed` and whatever its strategy takes with it; retries via a message on failure. */
  async function restart(state: State, failed: Child, delayMs = 0): Promise<void> {
    const index = state.children.indexOf(failed);
    const group = spec.strategy === "one_for_one" || simple
      ? [failed]
      : spec.strategy === "one_for_all"
      ? [...state.children]
      : state.children.slice(index);
    await terminateAll(group.filter((c) => c !== failed));
    // Temporary bystanders are not restarted (OTP): they are forgotten.
    const toStart = group.filter((c) => c === failed || c.spec.restart !== "temporary");
    state.children = state.children.filter((c) => toStart.includes(c) || !group.includes(c));
    for (const child of toStart) child.status = "restarting";
    if (delayMs > 0) {
      ctx.sendAfter(ctx.self, new DelayedStart(toStart, failed), delayMs);
      return;
    }
    await startGroup(state, toStart, failed);
  }

  /**
   * Starts a restarted group in order; if one fails, stops the group again and retries
   * from `failed`, the child whose exit caused the restart (OTP's try_again).
   */
  async function startGroup(state: State, toStart: Child[], failed: Child): Promise<void> {
    for (const child of toStart) {
      try {
        await spawnChild(child, true);
      } catch {
        await terminateAll(toStart.filter((c) => c.ref !== undefined));
        for (const c of toStart) c.status = "restarting";
        ctx.self.send(new RetryRestart(failed));
        return;
      }
      if (child.ref === undefined) { // its init returned IGNORE: a static child keeps its spec, a dynamic one goes (OTP)
        if (simple) state.children = state.children.filter((c) => c !== child);
        continue;
      }
      child.restarts++;
      ctx.events.publish({
        type: "child_restarted",
        supervisor: selfId(),
        childId: child.spec.id,
        actor: child.ref.id,
        restarts: child.restarts,
        ...osInfo(child.ref),
      });
    }
  }

  async function onChildExit(state: State, child: Child, reason: ExitReason): Promise<void> {
    const { pid } = osInfo(child.ref);
    ctx.events.publish({
      type: "child_exited",
      supervisor: selfId(),
      childId: child.spec.id,
      actor: child.ref!.id,
      reason,
      pid,
    });
    child.ref = undefined;
    child.status = "undefined";
    const { restart: policy, significant } = child.spec;
    if (policy === "permanent" || (policy === "transient" && !isNormalExit(reason))) {
      if (!addRestart(state)) return shutdownFor("reached_max_restart_intensity");
      return restart(state, child, backoffDelay(child));
    }
    // A child that stays down is forgotten if temporary, or if it has no spec of its own.
    if (policy === "temporary" || simple) state.children = state.children.filter((c) => c !== child);
    if (significant && spec.autoShutdown !== "never") {
      const remaining = state.children.some((c) => c.spec.significant && c.ref !== undefined);
      if (spec.autoShutdown === "any_significant" || !remaining) shutdownFor("auto_shutdown");
    }
  }

  /**
   * The delay before restarting `child` under its `backoff` (0 without one): the
   * previous delay times `factor`, capped at `maxMs`, back to `initialMs` once the
   * child had stayed up `resetAfterMs`; `jitter` spreads it by up to that fraction.
   */
  function backoffDelay(child: Child): number {
    const backoff = child.spec.backoff;
    if (backoff === undefined) return 0;
    const { initialMs, maxMs, factor = 2, jitter = 0, resetAfterMs = maxMs } = backoff;
    if (ctx.clock.now() - child.startedAt >= resetAfterMs) child.lastDelayMs = undefined;
    const delay = child.lastDelayMs === undefined ? initialMs : Math.min(child.lastDelayMs * factor, maxMs);
    child.lastDelayMs = delay;
    return Math.max(0, delay * (1 + jitter * (Math.random() * 2 - 1)));
  }

  /** Starts `child` and adds it to the supervisor (start_child); a failed start adds nothing. */
  async function addChild(state: State, child: Child): Promise<Reply<unknown>> {
    try {
      await spawnChild(child);
    } catch (error) {
      return { error: { failed: error } };
    }
    keep(state, child);
    return { ok: child.ref };
  }

  /** Adds a started child; one that ignored its start is kept only if not temporary (OTP). */
  function keep(state: State, child: Child): void {
    if (child.ref !== undefined || child.spec.restart !== "temporary") state.children.push(child);
  }

  async function handle(state: State, request: Request): Promise<Reply<unknown>> {
    const find = (id: string): Child | undefined => state.children.find((c) => c.spec.id === id);
    switch (request.type) {
      case "which_children":
        return {
          ok: state.children.map((c): ChildInfo => ({
            id: c.spec.id,
            ref: c.ref,
            type: c.spec.type,
            status: c.status,
            restarts: c.restarts,
            ...osInfo(c.ref),
          })),
        };
      case "count_children": {
        const count = (type: ChildType): number => state.children.filter((c) => c.spec.type === type).length;
        const active = state.children.filter((c) => c.ref?.alive).length;
        // A simple_one_for_one supervisor has one spec, the template (OTP).
        return { ok: { specs: simple ? 1 : state.children.length, active, supervisors: count("supervisor"), workers: count("worker") } };
      }
      case "start_dynamic_child": {
        if (!simple) return { error: { failed: new TypeError("startChild(extraArgs) is for simple_one_for_one supervisors: pass a child spec") } };
        return addChild(state, newChild(spec.children[0], request.args));
      }
      case "start_child": {
        if (simple) return { error: { failed: new TypeError("A simple_one_for_one supervisor takes startChild(extraArgs), not a child spec") } };
        const existing = find(request.spec.id);
        if (existing) return { error: existing.ref ? "already_started" : "already_present" };
        if (request.spec.significant && spec.autoShutdown === "never") return { error: "bad_combination" };
        return addChild(state, newChild(request.spec, []));
      }
      case "terminate_child": {
        const child = request.byRef
          ? state.children.find((c) => c.ref?.id === request.id)
          : simple ? undefined : find(request.id);
        if (!child) return { error: "not_found" };
        await terminate(child);
        child.status = "undefined"; // a child caught restarting stays down: its pending retry is dropped
        if (child.spec.restart === "temporary" || simple) state.children = state.children.filter((c) => c !== child);
        return { ok: undefined };
      }
      case "get_childspec": {
        const child = find(request.id);
        return child ? { ok: { ...child.spec } } : { error: "not_found" };
      }
      case "restart_child":
      case "delete_child": {
        if (simple) return { error: "simple_one_for_one" };
        const child = find(request.id);
        if (!child) return { error: "not_found" };
        if (child.ref !== undefined) return { error: "running" };
        if (child.status === "restarting") return { error: "restarting" };
        if (request.type === "delete_child") {
          state.children = state.children.filter((c) => c !== child);
          return { ok: undefined };
        }
        try {
          await spawnChild(child);
        } catch (error) {
          return { error: { failed: error } };
        }
        return { ok: child.ref };
      }
    }
  }

  return {
    async init(context) {
      ctx = context;
      ctx.trapExits = true;
      const state: State = { children: [], restartTimes: [] };
      for (const childSpec of simple ? [] : spec.children) {
        const child = newChild(childSpec, []);
        try {
          await spawnChild(child);
        } catch (error) {
          await terminateAll(state.children);
          throw new ChildStartError(childSpec.id, error);
        }
        keep(state, child);
      }
      return state;
    },

    async receive(state, message) {
      if (message instanceof ExitSignal) {
        // Refs are compared by identity: a signal's `from` is the ref spawn returned.
        const child = state.children.find((c) => c.ref === message.from);
        if (child) await onChildExit(state, child, message.reason);
        else if (message.from === ctx.parent) ctx.stop(message.reason);
      } else if (message instanceof DelayedStart) {
        // Children removed meanwhile (terminated, deleted) are not started again.
        const pending = message.children.filter((c) => state.children.includes(c) && c.status === "restarting");
        await startGroup(state, pending, message.failed);
      } else if (message instanceof LivenessTick) onLivenessTick(message);
      else if (message instanceof LivenessResult) onLivenessResult(message);
      else if (message instanceof RetryRestart) {
        const child = message.child;
        if (state.children.includes(child) && child.status === "restarting") {
          if (!addRestart(state)) shutdownFor("reached_max_restart_intensity");
          else await restart(state, child, backoffDelay(child));
        }
      } else {
        ctx.reply(await handle(state, message));
      }
      return state;
    },

    async terminate(state) {
      await terminateAll(state.children.filter((c) => c.ref !== undefined));
    },
  };
}
