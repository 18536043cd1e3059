import * as v from "valibot";
import { type ChildSpec, childSpecSchema, type ResolvedChildSpec } from "./child_spec.ts";
import { numberAtLeast, oneOf, parseSpec, refusal, typed, waitMs } from "./_schema.ts";

/** A supervisor's restart strategy (OTP's `strategy` flag). */
export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one" | "simple_one_for_one";
/** When a supervisor exits on its own as significant children exit (OTP's `auto_shutdown`). */
export type AutoShutdown = "never" | "any_significant" | "all_significant";

/**
 * A supervisor's flags and children (OTP's `sup_flags()` plus the child list).
 *
 * @example
 * ```ts
 * import type { SupervisorSpec } from "@airssys/rt";
 * const spec: SupervisorSpec = {
 *   strategy: "rest_for_one",
 *   intensity: 3,
 *   period: 60_000,
 *   children: [{ id: "db", start: { receive: (s) => s } }, { id: "app", start: { receive: (s) => s } }],
 * };
 * ```
 */
export interface SupervisorSpec {
  /**
   * Which children restart when one exits: `"one_for_one"` that one, `"one_for_all"` all,
   * `"rest_for_one"` it and those started after it. `"simple_one_for_one"`: `children`
   * holds one template and no child starts with the supervisor; `startChild(extraArgs)`
   * starts one, `terminateChild(ref)` stops one, they restart one for one and stop
   * concurrently on shutdown.
   */
  strategy: Strategy;
  /** More than `intensity` restarts within `period` ms and the supervisor gives up. @default 1 */
  intensity?: number;
  /** The window of `intensity`, in ms; `"infinity"`: every restart counts forever. @default 5000 */
  period?: number | "infinity";
  /** Exit with `"shutdown"` when any / all significant children have exited of their own accord. @default "never" */
  autoShutdown?: AutoShutdown;
  /** Started in order, stopped in reverse. */
  children: ChildSpec[];
}

/** A supervisor spec with every default filled in and every child validated. */
export interface ResolvedSupervisorSpec {
  strategy: Strategy;
  intensity: number;
  period: number;
  autoShutdown: AutoShutdown;
  children: ResolvedChildSpec[];
}

const intensitySchema = numberAtLeast(0, "must be a non-negative integer", true);
const periodSchema = waitMs("must be a positive number of ms", 0, true);

/** The supervisor flags shared with the `supervise` config (OTP's `sup_flags()`). */
export const supervisorFlagEntries: v.ObjectEntries = {
  intensity: v.optional(intensitySchema, 1),
  period: v.optional(periodSchema, 5000),
};

const strategySchema = oneOf(["one_for_one", "one_for_all", "rest_for_one", "simple_one_for_one"] as const);

/** Flags to change on a running supervisor (`SupervisorRef.setFlags`); an absent one stays. */
export interface SupervisorFlags {
  /** The restart strategy (not to or from `simple_one_for_one`). */
  strategy?: Strategy;
  /** Restarts allowed within `period`. */
  intensity?: number;
  /** The window of `intensity`, in ms (or `"infinity"`). */
  period?: number | "infinity";
}

const flagChangeSchema = typed<{ strategy?: Strategy; intensity?: number; period?: number }>(v.strictObject({
  strategy: v.optional(strategySchema),
  intensity: v.optional(intensitySchema),
  period: v.optional(periodSchema),
}, "must be an object"));

/**
 * Validates a change of flags, naming the bad field.
 * @throws {TypeError | RangeError} e.g. `Invalid supervisor flags at intensity: must be a non-negative integer (got -1)`
 */
export function resolveFlagChange(
  flags: SupervisorFlags,
): { strategy?: Strategy; intensity?: number; period?: number } {
  return parseSpec(flagChangeSchema, flags, "supervisor flags");
}
const autoShutdownSchema = oneOf(["never", "any_significant", "all_significant"] as const);

const flagsSchema = typed<Omit<ResolvedSupervisorSpec, "children"> & { children: unknown[] }>(v.object({
  strategy: strategySchema,
  ...supervisorFlagEntries,
  autoShutdown: v.optional(autoShutdownSchema, "never"),
  children: v.array(v.unknown(), "must be an array of child specs"),
}, "must be an object"));

/**
 * Validates a supervisor spec up front (OTP's `supervisor:check_childspecs/1` and its
 * flags), naming the bad field, and fills in the defaults.
 * @throws {TypeError | RangeError} e.g. `Invalid child spec at children[1].shutdown: must be a non-negative number, "brutal_kill" or "infinity" (got -5)`
 */
export function resolveSupervisorSpec(spec: SupervisorSpec): ResolvedSupervisorSpec {
  const flags = parseSpec(flagsSchema, spec, "supervisor spec");
  const template = flags.strategy === "simple_one_for_one";
  if (template && flags.children.length !== 1) {
    throw refusal(
      "supervisor spec",
      "children",
      "must hold exactly one template child spec for simple_one_for_one",
      flags.children,
    );
  }
  if (template && flags.autoShutdown !== "never") {
    throw refusal(
      "supervisor spec",
      "autoShutdown",
      'must be "never" for simple_one_for_one (OTP refuses the combination)',
      flags.autoShutdown,
    );
  }
  const children = flags.children.map((child, i) =>
    parseSpec(childSpecSchema(template), child, "child spec", `children[${i}]`)
  );
  const seen = new Set<string>();
  children.forEach((child, i) => {
    if (seen.has(child.id)) {
      throw refusal("child spec", `children[${i}].id`, "must be unique among the children", child.id);
    }
    seen.add(child.id);
    if (child.significant && flags.autoShutdown === "never") {
      throw refusal(
        "child spec",
        `children[${i}].significant`,
        'must be false when autoShutdown is "never" (OTP refuses the combination)',
        true,
      );
    }
  });
  return {
    strategy: flags.strategy,
    intensity: flags.intensity,
    period: flags.period,
    autoShutdown: flags.autoShutdown,
    children,
  };
}
