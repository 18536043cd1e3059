import * as v from "valibot";
import type { Behavior, Startable } from "./actor.ts";
import { type Backoff, backoffSchema } from "./backoff.ts";
import { type Liveness, livenessSchema } from "./liveness.ts";
import { type MailboxOptions, mailboxSchema } from "./mailbox.ts";
import { boolean, fieldRule, nonEmpty, numberAtLeast, oneOf, type Schema, typed } from "./_schema.ts";

/** When a child is restarted (OTP's `restart`): always, after an abnormal exit, or never. */
export type Restart = "permanent" | "transient" | "temporary";
/** How long a supervisor waits for a child to stop (OTP's `shutdown`): ms, `"brutal_kill"` or `"infinity"`. */
export type Shutdown = number | "brutal_kill" | "infinity";
/** A worker, or a supervisor (OTP's `type`). */
export type ChildType = "worker" | "supervisor";

/** What starts a child: a behaviour, a Startable, or (simple_one_for_one only) a factory of them. */
export type ChildStart =
  // deno-lint-ignore no-explicit-any
  | Behavior<any, any>
  // deno-lint-ignore no-explicit-any
  | Startable<any, any>
  // deno-lint-ignore no-explicit-any
  | ((...extraArgs: any[]) => Behavior<any, any> | Startable<any, any>);

/**
 * One child of a supervisor (OTP's `child_spec()` map).
 *
 * @example
 * ```ts
 * import type { ChildSpec } from "@airssys/rt";
 * const worker: ChildSpec = { id: "worker", start: { receive: (s) => s }, restart: "transient", shutdown: 2000 };
 * ```
 */
export interface ChildSpec {
  /** Name of the child, unique among its siblings. */
  id: string;
  /**
   * A behaviour or a Startable; in a `simple_one_for_one` template it may also be a
   * factory, called with the extra arguments of each `startChild(extraArgs)`.
   */
  start: ChildStart;
  /** `"permanent"` always restarted, `"transient"` only after an abnormal exit, `"temporary"` never (and forgotten when it exits). @default "permanent" */
  restart?: Restart;
  /** Ms to wait after `"shutdown"` before killing, `"brutal_kill"`, or `"infinity"`. @default 5000, "infinity" for supervisors */
  shutdown?: Shutdown;
  /** Worker or supervisor. @default the Startable's type, else "worker" @default the Startable's type, else "worker" */
  type?: ChildType;
  /** Its own exit may trigger the supervisor's `autoShutdown`; only for transient and temporary children. @default false */
  significant?: boolean;
  /** Bounds the child's mailbox. @default unbounded */
  mailbox?: MailboxOptions;
  /** Delays restarts (see `Backoff`). @default none: restart at once */
  backoff?: Backoff;
  /** A health check while the child runs (see `Liveness`). @default none */
  liveness?: Liveness;
  /**
   * The registered name of the child's actor (OTP's `{local, Name}`): every incarnation
   * registers it, so `system.whereis(name)` finds the current one (`undefined` while it
   * is restarting). A name taken by another actor fails the start. @default none
   */
  name?: string;
}

/** A child spec as the supervisor holds it: every default filled in. */
export type ResolvedChildSpec = ChildSpec & Required<Pick<ChildSpec, "restart" | "shutdown" | "type" | "significant">>;

const SHUTDOWN_RULE = 'must be a non-negative number, "brutal_kill" or "infinity"';

/** The schema of `ChildSpec.restart`. */
export const restartSchema: Schema<Restart> = oneOf(["permanent", "transient", "temporary"] as const);

/** The schema of `ChildSpec.shutdown`. */
export const shutdownSchema: Schema<Shutdown> = v.union([
  v.picklist(["brutal_kill", "infinity"] as const, SHUTDOWN_RULE),
  numberAtLeast(0, SHUTDOWN_RULE),
], SHUTDOWN_RULE);

function isStartable(value: unknown): boolean {
  const start = value as { receive?: unknown; instantiate?: unknown } | null | undefined;
  return typeof start?.receive === "function" || typeof start?.instantiate === "function";
}

function entries(template: boolean): v.ObjectEntries {
  return {
    id: nonEmpty("must be a non-empty string"),
    start: template
      ? v.custom<ChildStart>(
        (s) => typeof s === "function" || isStartable(s),
        "must be a behaviour, a Startable or a factory of them",
      )
      : v.custom<ChildStart>(isStartable, "must be a behaviour (with receive) or a Startable"),
    restart: v.optional(restartSchema, "permanent"),
    shutdown: v.optional(shutdownSchema),
    type: v.optional(oneOf(["worker", "supervisor"] as const)),
    significant: v.optional(boolean, false),
    mailbox: v.optional(mailboxSchema),
    backoff: v.optional(backoffSchema),
    liveness: v.optional(livenessSchema),
    name: v.optional(nonEmpty("must be a non-empty string")),
  };
}

function resolve(spec: Significance): ResolvedChildSpec {
  const type = spec.type ?? (spec.start as { type?: ChildType }).type ?? "worker";
  const shutdown = spec.shutdown ?? (type === "supervisor" ? "infinity" : 5000);
  return { ...spec, type, shutdown } as ResolvedChildSpec;
}

type Significance = ChildSpec & { restart: Restart; significant: boolean };

const mustNotBeSignificant = (rule: string, applies: (spec: Significance) => boolean) =>
  fieldRule<Significance>("significant", rule, (spec) => !(spec.significant && applies(spec)));

/**
 * The schema of a child spec (OTP's `supervisor:check_childspecs/1`); `template`: the
 * one spec of a `simple_one_for_one` supervisor, whose `start` may be a factory.
 */
export function childSpecSchema(template = false): Schema<ResolvedChildSpec> {
  return typed(v.pipe(
    typed<Significance>(v.object(entries(template), "must be a child spec object")),
    mustNotBeSignificant('must be false for a "permanent" child (OTP refuses it)', (s) => s.restart === "permanent"),
    mustNotBeSignificant("must be false for a simple_one_for_one template (OTP refuses it)", () => template),
    v.transform(resolve),
  ));
}
