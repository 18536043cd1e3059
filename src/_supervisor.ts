import type { ActorContext, Behavior } from "./actor.ts";
import { nextBackoff } from "./backoff.ts";
import { Ask } from "./_ask.ts";
import { type ChildSpec, childSpecSchema, type ResolvedChildSpec } from "./child_spec.ts";
import { ChildStartError, HealthCheckError } from "./errors.ts";
import { type ExitReason, isNormalExit } from "./exit_reason.ts";
import { RestartIntensity } from "./_intensity.ts";
import { parseSpec, show } from "./_schema.ts";
import { type Child, ChildLifecycle, newChild } from "./_children.ts";
import { controlOf } from "./_control.ts";
import { checkLiveness, countLiveness, LivenessResult, LivenessTick } from "./_liveness_watch.ts";
import { ExitSignal } from "./signals.ts";
import { stopChild } from "./_stop_child.ts";
import { restartGroup } from "./_strategy.ts";
import type { ChildCounts, ChildInfo, SupervisorMessage, SupervisorReply } from "./supervisor_ref.ts";
import { type ResolvedSupervisorSpec, resolveFlagChange, type SupervisorFlags } from "./supervisor_spec.ts";

/** A restart of a group failed part-way: try again from the child that crashed. */
class RetryRestart {
  readonly child: Child;
  constructor(child: Child) {
    this.child = child;
  }
}

/** A backoff delay has passed: start the group that was stopped for a restart. */
class DelayedStart {
  readonly children: Child[];
  readonly failed: Child;
  constructor(children: Child[], failed: Child) {
    this.children = children;
    this.failed = failed;
  }
}

const REQUESTS = new Set([
  "which_children",
  "count_children",
  "start_child",
  "start_dynamic_child",
  "terminate_child",
  "restart_child",
  "delete_child",
  "get_childspec",
  "set_flags",
  "replace_child",
]);

function isRequest(message: unknown): message is SupervisorMessage {
  return message !== null && typeof message === "object" && REQUESTS.has((message as { type?: string }).type!);
}

/**
 * One incarnation of a supervisor: OTP's `supervisor` behaviour. Children start in
 * list order, each after the previous one's `init` (and readiness) completed, and stop
 * in reverse order; exits are handled by the strategy, counted against the intensity.
 */
export class Supervisor implements Behavior<Supervisor, unknown> {
  #spec: ResolvedSupervisorSpec;
  readonly #simple: boolean;
  readonly #intensity: RestartIntensity;
  #ctx!: ActorContext<unknown>;
  #lifecycle!: ChildLifecycle;
  #children: Child[] = [];

  constructor(spec: ResolvedSupervisorSpec) {
    this.#spec = spec;
    this.#simple = spec.strategy === "simple_one_for_one";
    this.#intensity = new RestartIntensity(spec.intensity, spec.period);
  }

  async init(ctx: ActorContext<unknown>): Promise<Supervisor> {
    this.#ctx = ctx;
    this.#lifecycle = new ChildLifecycle(ctx, this.#simple);
    ctx.trapExits = true;
    for (const spec of this.#simple ? [] : this.#spec.children) {
      const child = newChild(spec, []);
      try {
        await this.#lifecycle.start(child);
      } catch (error) {
        await this.#lifecycle.stopAll(this.#children);
        throw new ChildStartError(spec.id, error);
      }
      this.#keep(child);
    }
    return this;
  }

  async receive(_self: Supervisor, message: unknown, ctx: ActorContext<unknown>): Promise<Supervisor> {
    if (message instanceof ExitSignal) {
      // Refs are compared by identity: a signal's `from` is the ref spawn returned. The
      // parent's exit stops the supervisor before it gets here; others are ignored (OTP).
      const child = this.#children.find((c) => c.ref === message.from);
      if (child) await this.#onChildExit(child, message.reason);
    } else if (message instanceof DelayedStart) {
      // Children removed meanwhile (terminated, deleted) are not started again.
      const pending = message.children.filter((c) => this.#children.includes(c) && c.status === "restarting");
      await this.#startGroup(pending, message.failed);
    } else if (message instanceof LivenessTick) {
      if (this.#children.some((c) => c.ref === message.ref)) checkLiveness(this.#ctx, message);
      else message.cancel(); // that run of the child is over
    } else if (message instanceof LivenessResult) this.#onLivenessResult(message);
    else if (message instanceof RetryRestart) {
      const child = message.child;
      if (this.#children.includes(child) && child.status === "restarting") {
        if (!this.#intensity.add(this.#ctx.clock.now())) this.#shutdownFor("reached_max_restart_intensity");
        else await this.#restart(child, this.#backoffDelay(child));
      }
    } else if (ctx instanceof Ask && isRequest(message)) {
      ctx.reply(await this.#handle(message));
    } else this.#unexpected(message, ctx);
    return this;
  }

  /**
   * A message the supervisor did not ask for, or a request sent without `ask`: ignored
   * and reported as a `dead_letter` (OTP's supervisor logs "unexpected message"); an
   * ask of it is refused at once.
   */
  #unexpected(message: unknown, ctx: ActorContext<unknown>): void {
    this.#ctx.events.publish({ type: "dead_letter", actor: this.#ctx.self.id, message, reason: "unexpected_message" });
    if (ctx instanceof Ask) {
      ctx.fail(new TypeError(`Supervisor ${this.#ctx.self.id} does not understand ${show(message)}`));
    }
  }

  async terminate(): Promise<void> {
    await this.#lifecycle.stopAll(this.#children.filter((c) => c.ref !== undefined));
  }

  #onLivenessResult(result: LivenessResult): void {
    const { tick, error } = result;
    const failed = countLiveness(result);
    const child = this.#children.find((c) => c.ref === tick.ref);
    if (child === undefined) return tick.cancel();
    if (error === undefined) return;
    this.#ctx.events.publish({
      type: "health_check_failed",
      supervisor: this.#ctx.self.id,
      childId: child.spec.id,
      actor: tick.ref.id,
      failures: tick.failures,
      error,
    });
    if (failed) {
      void stopChild(tick.ref, child.spec.shutdown, {
        error: new HealthCheckError(child.spec.id, tick.failures, error),
      });
    }
  }

  #shutdownFor(reason: "reached_max_restart_intensity" | "auto_shutdown"): void {
    this.#ctx.events.publish({ type: "supervisor_shutdown", supervisor: this.#ctx.self.id, reason });
    this.#ctx.stop("shutdown");
  }

  /** Restarts `failed` and whatever its strategy takes with it; retries via a message on failure. */
  async #restart(failed: Child, delayMs = 0): Promise<void> {
    const group = restartGroup(this.#spec.strategy, this.#children, failed);
    await this.#lifecycle.stopAll(group.filter((c) => c !== failed));
    // Temporary bystanders are not restarted (OTP): they are forgotten.
    const toStart = group.filter((c) => c === failed || c.spec.restart !== "temporary");
    this.#children = this.#children.filter((c) => toStart.includes(c) || !group.includes(c));
    for (const child of toStart) child.status = "restarting";
    if (delayMs > 0) {
      this.#ctx.sendAfter(this.#ctx.self, new DelayedStart(toStart, failed), delayMs);
      return;
    }
    await this.#startGroup(toStart, failed);
  }

  /**
   * Starts a restarted group in order; if one fails, stops the group again and retries
   * from `failed`, the child whose exit caused the restart (OTP's try_again).
   */
  async #startGroup(toStart: Child[], failed: Child): Promise<void> {
    for (const child of toStart) {
      try {
        await this.#lifecycle.start(child, true);
      } catch {
        await this.#lifecycle.stopAll(toStart.filter((c) => c.ref !== undefined));
        for (const c of toStart) c.status = "restarting";
        this.#ctx.self.send(new RetryRestart(failed));
        return;
      }
      if (child.ref === undefined) { // its init returned IGNORE: a static child keeps its spec, a dynamic one goes (OTP)
        if (this.#simple) this.#children = this.#children.filter((c) => c !== child);
        continue;
      }
      child.restarts++;
      this.#lifecycle.publish("child_restarted", child, child.ref);
    }
  }

  #onChildExit(child: Child, reason: ExitReason): Promise<void> | void {
    this.#lifecycle.publish("child_exited", child, child.ref!, reason);
    child.ref = undefined;
    child.status = "undefined";
    const { restart: policy, significant } = child.spec;
    if (policy === "permanent" || (policy === "transient" && !isNormalExit(reason))) {
      if (!this.#intensity.add(this.#ctx.clock.now())) return this.#shutdownFor("reached_max_restart_intensity");
      return this.#restart(child, this.#backoffDelay(child));
    }
    // A child that stays down is forgotten if temporary, or if it has no spec of its own.
    if (policy === "temporary" || this.#simple) this.#children = this.#children.filter((c) => c !== child);
    if (significant && this.#spec.autoShutdown !== "never") {
      const remaining = this.#children.some((c) => c.spec.significant && c.ref !== undefined);
      if (this.#spec.autoShutdown === "any_significant" || !remaining) this.#shutdownFor("auto_shutdown");
    }
  }

  /** The delay before restarting `child` under its `backoff` (0 without one). */
  #backoffDelay(child: Child): number {
    const backoff = child.spec.backoff;
    if (backoff === undefined) return 0;
    const { delayMs, baseMs } = nextBackoff(backoff, child.lastDelayMs, this.#ctx.clock.now() - child.startedAt);
    child.lastDelayMs = baseMs;
    return delayMs;
  }

  /** New flags (`setFlags`): validated like a spec's, applied in place. */
  #setFlags(flags: SupervisorFlags): SupervisorReply<unknown> {
    let change;
    try {
      change = resolveFlagChange(flags); // again: a raw message may not come from SupervisorRef
    } catch (error) {
      return { error: { failed: error } };
    }
    if (this.#simple || change.strategy === "simple_one_for_one") return { error: "simple_one_for_one" };
    this.#spec = { ...this.#spec, ...change };
    this.#intensity.intensity = this.#spec.intensity;
    this.#intensity.period = this.#spec.period;
    return { ok: undefined };
  }

  /** `replaceChild`: the new spec at the old one's place, started anew. */
  async #replace(raw: ChildSpec): Promise<SupervisorReply<unknown>> {
    if (this.#simple) return { error: "simple_one_for_one" };
    let spec: ResolvedChildSpec;
    try {
      spec = parseSpec(childSpecSchema(), raw, "child spec", "spec");
    } catch (error) {
      return { error: { failed: error } };
    }
    const child = this.#find(spec.id);
    if (child === undefined) return { error: "not_found" };
    await this.#lifecycle.stop(child);
    child.spec = spec;
    child.status = "undefined";
    child.lastDelayMs = undefined;
    try {
      await this.#lifecycle.start(child);
    } catch (error) {
      return { error: { failed: error } };
    }
    return { ok: child.ref };
  }

  /** Starts `child` and adds it to the supervisor (start_child); a failed start adds nothing. */
  async #addChild(child: Child): Promise<SupervisorReply<unknown>> {
    try {
      await this.#lifecycle.start(child);
    } catch (error) {
      return { error: { failed: error } };
    }
    this.#keep(child);
    return { ok: child.ref };
  }

  /** Adds a started child; one that ignored its start is kept only if not temporary (OTP). */
  #keep(child: Child): void {
    if (child.ref !== undefined || child.spec.restart !== "temporary") this.#children.push(child);
  }

  #find(id: string): Child | undefined {
    return this.#children.find((c) => c.spec.id === id);
  }

  async #handle(request: SupervisorMessage): Promise<SupervisorReply<unknown>> {
    const simple = this.#simple;
    switch (request.type) {
      case "which_children":
        return {
          ok: this.#children.map((c): ChildInfo => ({
            id: c.spec.id,
            ref: c.ref,
            type: c.spec.type,
            status: c.status,
            restarts: c.restarts,
            ...(c.ref === undefined ? undefined : controlOf(c.ref).facts()),
          })),
        };
      case "count_children": {
        const count = (type: string): number => this.#children.filter((c) => c.spec.type === type).length;
        const active = this.#children.filter((c) => c.ref?.alive).length;
        // A simple_one_for_one supervisor has one spec, the template (OTP).
        const counts: ChildCounts = {
          specs: simple ? 1 : this.#children.length,
          active,
          supervisors: count("supervisor"),
          workers: count("worker"),
        };
        return { ok: counts };
      }
      case "start_dynamic_child": {
        if (!simple) {
          return {
            error: {
              failed: new TypeError("startChild(extraArgs) is for simple_one_for_one supervisors: pass a child spec"),
            },
          };
        }
        return this.#addChild(newChild(this.#spec.children[0], request.args));
      }
      case "start_child": {
        if (simple) {
          return {
            error: {
              failed: new TypeError("A simple_one_for_one supervisor takes startChild(extraArgs), not a child spec"),
            },
          };
        }
        let spec: ResolvedChildSpec;
        try {
          spec = parseSpec(childSpecSchema(), request.spec, "child spec", "spec");
        } catch (error) {
          return { error: { failed: error } };
        }
        const existing = this.#find(spec.id);
        if (existing) return { error: existing.ref ? "already_started" : "already_present" };
        if (spec.significant && this.#spec.autoShutdown === "never") return { error: "bad_combination" };
        return this.#addChild(newChild(spec, []));
      }
      case "terminate_child": {
        const child = request.byRef
          ? this.#children.find((c) => c.ref?.id === request.id)
          : simple
          ? undefined
          : this.#find(request.id);
        if (!child) return { error: "not_found" };
        await this.#lifecycle.stop(child);
        child.status = "undefined"; // a child caught restarting stays down: its pending retry is dropped
        if (child.spec.restart === "temporary" || simple) this.#children = this.#children.filter((c) => c !== child);
        return { ok: undefined };
      }
      case "get_childspec": {
        const child = this.#find(request.id);
        return child ? { ok: { ...child.spec } } : { error: "not_found" };
      }
      case "set_flags":
        return this.#setFlags(request.flags);
      case "replace_child":
        return this.#replace(request.spec);
      case "restart_child":
      case "delete_child": {
        if (simple) return { error: "simple_one_for_one" };
        const child = this.#find(request.id);
        if (!child) return { error: "not_found" };
        if (child.ref !== undefined) return { error: "running" };
        if (child.status === "restarting") return { error: "restarting" };
        if (request.type === "delete_child") {
          this.#children = this.#children.filter((c) => c !== child);
          return { ok: undefined };
        }
        try {
          await this.#lifecycle.start(child);
        } catch (error) {
          return { error: { failed: error } };
        }
        return { ok: child.ref };
      }
    }
  }
}
