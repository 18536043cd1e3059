import type { ActorRef, ChildFacts } from "./actor.ts";
import { type ChildSpec, childSpecSchema, type ChildType, type ResolvedChildSpec } from "./child_spec.ts";
import { ChildStartError, SupervisorError, type SupervisorErrorReason } from "./errors.ts";
import { ForwardingRef } from "./forwarding_ref.ts";
import { parseSpec } from "./_schema.ts";
import { resolveFlagChange, type SupervisorFlags } from "./supervisor_spec.ts";

/** One row of `whichChildren()` (OTP's `which_children/1`, plus restarts and the child's facts). */
export interface ChildInfo extends ChildFacts {
  /** The child spec's id. */
  id: string;
  /** The running child, `undefined` while it is not running. */
  // deno-lint-ignore no-explicit-any
  ref: ActorRef<any> | undefined;
  /** Worker or supervisor. */
  type: ChildType;
  /** `"undefined"`: not running (OTP's `undefined` pid). */
  status: "running" | "restarting" | "undefined";
  /** Restarts of this child since the supervisor started. */
  restarts: number;
}

/** `countChildren()` result (OTP's `count_children/1`). */
export interface ChildCounts {
  /** Child specs (1 for simple_one_for_one: the template). */
  specs: number;
  /** Children running. */
  active: number;
  /** Children of type supervisor. */
  supervisors: number;
  /** Children of type worker. */
  workers: number;
}

/** A request a supervisor answers (use the `SupervisorRef` methods rather than these). */
export type SupervisorMessage =
  | { type: "which_children" }
  | { type: "count_children" }
  | { type: "start_child"; spec: ChildSpec }
  | { type: "start_dynamic_child"; args: unknown[] }
  | { type: "terminate_child"; id: string; byRef: boolean }
  | { type: "restart_child"; id: string }
  | { type: "delete_child"; id: string }
  | { type: "get_childspec"; id: string }
  | { type: "set_flags"; flags: SupervisorFlags }
  | { type: "replace_child"; spec: ChildSpec };

/** A supervisor's answer to a request: the value, an OTP error atom, or a failed start. */
export type SupervisorReply<T> = { ok: T } | { error: SupervisorErrorReason | { failed: unknown } };

/**
 * The ref of a supervisor, with OTP's `supervisor` API as async methods. Refusals
 * reject with `SupervisorError` (`reason` as OTP's error atom); a child that fails to
 * start rejects with `ChildStartError` with the cause.
 *
 * @example
 * ```ts
 * import { ActorSystem, supervisor } from "@airssys/rt";
 * await using system = new ActorSystem();
 * const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [] }));
 * await sup.startChild({ id: "worker", start: { receive: (s) => s } });
 * console.log(await sup.countChildren()); // { specs: 1, active: 1, supervisors: 0, workers: 1 }
 * ```
 */
export class SupervisorRef extends ForwardingRef<SupervisorMessage> {
  async #call<T>(request: SupervisorMessage): Promise<T> {
    const reply = await this.target.ask<SupervisorReply<T>>(request, { timeoutMs: "infinity" });
    if ("ok" in reply) return reply.ok;
    const id = "id" in request ? request.id : "spec" in request ? request.spec.id : "";
    if (typeof reply.error === "object") throw new ChildStartError(id, reply.error.failed);
    throw new SupervisorError(reply.error, id);
  }

  /**
   * Adds and starts a child (`supervisor:start_child/2`); for a simple_one_for_one
   * supervisor, pass the extra arguments for the template's factory instead.
   * Rejects with `TypeError` / `RangeError` for an invalid spec, `SupervisorError`
   * (`already_present`, `already_started`, `bad_combination`), or `ChildStartError`
   * when the child fails to start (or the form does not fit the strategy).
   */
  // deno-lint-ignore no-explicit-any
  startChild(specOrExtraArgs: ChildSpec | unknown[]): Promise<ActorRef<any>> {
    if (Array.isArray(specOrExtraArgs)) return this.#call({ type: "start_dynamic_child", args: specOrExtraArgs });
    try {
      return this.#call({
        type: "start_child",
        spec: parseSpec(childSpecSchema(), specOrExtraArgs, "child spec", "spec"),
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }
  /**
   * Stops a child by id (its spec is kept unless temporary), or by ref (the only form
   * for simple_one_for_one, whose children are then forgotten) (`terminate_child/2`).
   * Rejects with `SupervisorError` `not_found`.
   */
  // deno-lint-ignore no-explicit-any
  terminateChild(idOrRef: string | ActorRef<any>): Promise<void> {
    const byRef = typeof idOrRef !== "string";
    return this.#call({ type: "terminate_child", id: byRef ? idOrRef.id : idOrRef, byRef });
  }
  /** Starts a stopped child again (`restart_child/2`). Rejects with `SupervisorError` `running`, `restarting`, `not_found`, `simple_one_for_one`. */
  // deno-lint-ignore no-explicit-any
  restartChild(id: string): Promise<ActorRef<any>> {
    return this.#call({ type: "restart_child", id });
  }
  /** Forgets a stopped child's spec (`delete_child/2`). Rejects with `SupervisorError` `running`, `restarting`, `not_found`, `simple_one_for_one`. */
  deleteChild(id: string): Promise<void> {
    return this.#call({ type: "delete_child", id });
  }
  /** The child's spec with defaults filled in (`get_childspec/2`). Rejects with `SupervisorError` `not_found`. */
  getChildSpec(id: string): Promise<ResolvedChildSpec> {
    return this.#call({ type: "get_childspec", id });
  }
  /**
   * Changes the strategy, intensity or period of the running supervisor in place (what a
   * release's code change does to a supervisor's flags in OTP); the restarts already
   * counted stay counted. Rejects with `TypeError` / `RangeError` for bad flags, or
   * `SupervisorError` `simple_one_for_one` for a change to or from that strategy.
   */
  setFlags(flags: SupervisorFlags): Promise<void> {
    try {
      return this.#call({ type: "set_flags", flags: resolveFlagChange(flags) });
    } catch (error) {
      return Promise.reject(error);
    }
  }
  /**
   * Replaces a child's spec in place (its position in the start order kept) and starts
   * it anew: the running child, if any, is stopped as its old spec's `shutdown` says.
   * Rejects with `SupervisorError` `not_found`, `simple_one_for_one`, or
   * `ChildStartError` when the new child fails to start.
   */
  // deno-lint-ignore no-explicit-any
  replaceChild(spec: ChildSpec): Promise<ActorRef<any> | undefined> {
    try {
      return this.#call({ type: "replace_child", spec: parseSpec(childSpecSchema(), spec, "child spec", "spec") });
    } catch (error) {
      return Promise.reject(error);
    }
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
