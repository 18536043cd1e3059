import type { ActorContext, ActorRef } from "./actor.ts";
import type { ResolvedChildSpec } from "./child_spec.ts";
import { controlOf } from "./_control.ts";
import type { ExitReason } from "./exit_reason.ts";
import { watchLiveness } from "./_liveness_watch.ts";
import { stopChild } from "./_stop_child.ts";
import type { ChildInfo } from "./supervisor_ref.ts";

/** One child of a supervisor, as it keeps it. */
export interface Child {
  spec: ResolvedChildSpec;
  /** simple_one_for_one: the extra arguments it was started with (kept for restarts). */
  args: unknown[];
  ref: ActorRef<unknown> | undefined;
  status: ChildInfo["status"];
  restarts: number;
  /** Clock time of its latest start, ms. */
  startedAt: number;
  /** The latest backoff delay, ms (undefined: the next one is `initialMs`). */
  lastDelayMs: number | undefined;
}

/** A child not started yet. */
export function newChild(spec: ResolvedChildSpec, args: unknown[]): Child {
  return { spec, args, ref: undefined, status: "undefined", restarts: 0, startedAt: 0, lastDelayMs: undefined };
}

/**
 * How a supervisor starts and stops one child, and the events that say so: the
 * lifecycle half of a supervisor (the strategy, the intensity and the requests are in
 * `_supervisor.ts`).
 */
export class ChildLifecycle {
  readonly #ctx: ActorContext<unknown>;
  readonly #simple: boolean;

  constructor(ctx: ActorContext<unknown>, simple: boolean) {
    this.#ctx = ctx;
    this.#simple = simple;
  }

  /** Publishes a child event (nothing is built when nobody listens: restarts are a hot path). */
  publish(
    type: "child_started" | "child_restarted" | "child_exited",
    child: Child,
    ref: ActorRef<unknown>,
    reason?: ExitReason,
  ): void {
    if (!this.#ctx.events.observed) return;
    const base = { supervisor: this.#ctx.self.id, childId: child.spec.id, actor: ref.id };
    const facts = controlOf(ref).facts();
    const events = this.#ctx.events;
    if (type === "child_started") events.publish({ type, ...base, childType: child.spec.type, ...facts });
    else if (type === "child_restarted") events.publish({ type, ...base, restarts: child.restarts, ...facts });
    else events.publish({ type, ...base, reason: reason!, pid: facts?.pid });
  }

  /** Starts `child`; publishes child_started unless it is a restart (which publishes child_restarted). */
  async start(child: Child, restarting = false): Promise<void> {
    const { start, mailbox, name } = child.spec;
    let ref: ActorRef<unknown>;
    try {
      ref = this.#ctx.spawn(typeof start === "function" ? start(...child.args) : start, { mailbox, name });
    } catch (error) { // the factory threw, or spawn refused its result
      throw this.#startFailed(child, error, "");
    }
    child.ref = ref;
    child.status = "running";
    child.startedAt = this.#ctx.clock.now();
    let outcome: "started" | "ignored";
    try {
      outcome = await this.#started(ref, child.spec);
    } catch (error) {
      throw this.#startFailed(child, error, ref.id);
    }
    if (outcome === "ignored") { // OTP's ignore: the spec stays, with no actor behind it
      child.ref = undefined;
      child.status = "undefined";
      return;
    }
    watchLiveness(this.#ctx, child.spec, ref);
    if (!restarting) this.publish("child_started", child, ref);
  }

  /**
   * Waits for the start of `ref` (its `init`, an OS process's readiness). A stop of the
   * supervisor meanwhile does not wait for it: the starting child is stopped at once,
   * as its `shutdown` says.
   */
  #started(ref: ActorRef<unknown>, spec: ResolvedChildSpec): Promise<"started" | "ignored"> {
    const started = controlOf(ref).whenStarted();
    const stopping = this.#ctx.stopping;
    const stop = () => void stopChild(ref, spec.shutdown);
    if (stopping.aborted) return stop(), started;
    stopping.addEventListener("abort", stop, { once: true });
    return started.finally(() => stopping.removeEventListener("abort", stop));
  }

  /** Records a failed start (the child is down, an event says why, unless a stop caused it); returns the error to throw. */
  #startFailed(child: Child, error: unknown, actor: string): unknown {
    child.ref = undefined;
    child.status = "undefined";
    if (this.#ctx.stopping.aborted) return error;
    const supervisor = this.#ctx.self.id;
    this.#ctx.events.publish({ type: "child_start_failed", supervisor, childId: child.spec.id, actor, error });
    return error;
  }

  /** Stops `child` as its `shutdown` says (OTP's `supervisor:shutdown/2`) and publishes its exit. */
  async stop(child: Child): Promise<void> {
    const ref = child.ref;
    if (ref === undefined) return;
    const pid = controlOf(ref).facts()?.pid; // read before the exit, while the process is known
    this.#ctx.unlink(ref);
    await stopChild(ref, child.spec.shutdown);
    child.ref = undefined;
    child.status = "undefined";
    if (!this.#ctx.events.observed) return;
    const reason = controlOf(ref).exitReason ?? "shutdown";
    const supervisor = this.#ctx.self.id;
    this.#ctx.events.publish({ type: "child_exited", supervisor, childId: child.spec.id, actor: ref.id, reason, pid });
  }

  /** Stops `children` in reverse start order; simple_one_for_one children concurrently (OTP). */
  async stopAll(children: Child[]): Promise<void> {
    if (this.#simple) await Promise.all(children.map((c) => this.stop(c)));
    else for (const child of [...children].reverse()) await this.stop(child);
  }
}
