import { type MailboxOptions, resolveBounds } from "./actor.ts";
import type { Backoff, ResolvedChildSpec } from "./supervisor.ts";
import type { Liveness } from "./liveness.ts";
import type { Shutdown } from "./_stop_child.ts";

export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one" | "simple_one_for_one";
export type Restart = "permanent" | "transient" | "temporary";
export type AutoShutdown = "never" | "any_significant" | "all_significant";
export type ChildType = "worker" | "supervisor";

const STRATEGIES: readonly Strategy[] = ["one_for_one", "one_for_all", "rest_for_one", "simple_one_for_one"];
const RESTARTS: readonly Restart[] = ["permanent", "transient", "temporary"];
const AUTO_SHUTDOWNS: readonly AutoShutdown[] = ["never", "any_significant", "all_significant"];
const TYPES: readonly ChildType[] = ["worker", "supervisor"];

function show(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : typeof value === "function" ? "a function" : String(value);
}

function invalid(field: string, rule: string, value: unknown, ErrorType = TypeError): Error {
  return new ErrorType(`Cannot start supervisor as '${field}' ${rule}: current value is ${show(value)}`);
}

function oneOf<T>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw invalid(field, `must be one of ${allowed.map(show).join(", ")}`, value);
  return value as T;
}

function nonNegative(field: string, value: unknown, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0) || (integer && !Number.isInteger(value))) {
    throw invalid(field, `must be a non-negative ${integer ? "integer" : "number"}`, value, RangeError);
  }
  return value;
}

/**
 * Validates one child spec; `field` is its path for messages (e.g. `children[2]`).
 * `template`: the spec is a simple_one_for_one template, whose `start` may be a factory.
 */
export function resolveChildSpec(spec: unknown, field: string, template = false): ResolvedChildSpec {
  if (spec === null || typeof spec !== "object") throw invalid(field, "must be a child spec object", spec);
  const s = spec as Record<string, unknown>;
  if (typeof s.id !== "string" || s.id === "") throw invalid(`${field}.id`, "must be a non-empty string", s.id);
  const start = s.start as { receive?: unknown; instantiate?: unknown } | undefined;
  const factory = template && typeof start === "function";
  if (!factory && typeof start?.receive !== "function" && typeof start?.instantiate !== "function") {
    const what = template ? "a behaviour, a Startable or a factory of them" : "a behaviour (with receive) or a Startable";
    throw invalid(`${field}.start`, `must be ${what}`, start);
  }
  const defaultType = (start as { type?: ChildType }).type ?? "worker";
  const type = oneOf(`${field}.type`, s.type, TYPES, defaultType);
  const restart = oneOf(`${field}.restart`, s.restart, RESTARTS, "permanent");
  let shutdown: Shutdown = type === "supervisor" ? "infinity" : 5000;
  if (s.shutdown === "brutal_kill" || s.shutdown === "infinity") shutdown = s.shutdown;
  else if (s.shutdown !== undefined) {
    if (typeof s.shutdown !== "number") {
      throw invalid(`${field}.shutdown`, 'must be a non-negative number of ms, "brutal_kill" or "infinity"', s.shutdown);
    }
    shutdown = nonNegative(`${field}.shutdown`, s.shutdown, 5000);
  }
  if (s.significant !== undefined && typeof s.significant !== "boolean") {
    throw invalid(`${field}.significant`, "must be a boolean", s.significant);
  }
  const significant = s.significant === true;
  if (significant && restart === "permanent") {
    throw invalid(`${field}.significant`, 'must be false for a "permanent" child (OTP refuses it)', s.significant);
  }
  if (significant && template) {
    throw invalid(`${field}.significant`, "must be false for a simple_one_for_one template (OTP refuses it)", s.significant);
  }
  const mailbox = resolveBounds(
    (s.mailbox ?? undefined) as MailboxOptions | undefined,
    (f, rule, value, ErrorType) => invalid(`${field}.mailbox.${f}`, rule, value, ErrorType),
  );
  const backoff = s.backoff === undefined ? undefined : resolveBackoff(s.backoff, `${field}.backoff`);
  const liveness = s.liveness === undefined ? undefined : resolveLiveness(s.liveness, `${field}.liveness`);
  return { id: s.id, start: start as ResolvedChildSpec["start"], restart, shutdown, type, significant, mailbox, backoff, liveness };
}

function resolveLiveness(value: unknown, field: string): Liveness {
  if (value === null || typeof value !== "object") throw invalid(field, "must be an object", value);
  const l = value as Record<string, unknown>;
  if (typeof l.check !== "function") throw invalid(`${field}.check`, "must be a function (ref, signal) => Promise", l.check);
  for (const key of ["intervalMs", "timeoutMs"]) {
    if (l[key] !== undefined && !(typeof l[key] === "number" && (l[key] as number) > 0)) {
      throw invalid(`${field}.${key}`, "must be a positive number of ms", l[key], RangeError);
    }
  }
  const threshold = l.failureThreshold;
  if (threshold !== undefined && !(Number.isInteger(threshold) && (threshold as number) >= 1)) {
    throw invalid(`${field}.failureThreshold`, "must be a positive integer", threshold, RangeError);
  }
  return l as unknown as Liveness;
}

function resolveBackoff(value: unknown, field: string): Backoff {
  if (value === null || typeof value !== "object") throw invalid(field, "must be an object", value);
  const b = value as Record<string, unknown>;
  const initialMs = nonNegative(`${field}.initialMs`, b.initialMs, Number.NaN);
  const maxMs = nonNegative(`${field}.maxMs`, b.maxMs, Number.NaN);
  if (Number.isNaN(initialMs)) throw invalid(`${field}.initialMs`, "is required (ms)", undefined, RangeError);
  if (Number.isNaN(maxMs) || maxMs < initialMs) throw invalid(`${field}.maxMs`, "must be a number of ms, at least initialMs", b.maxMs, RangeError);
  if (b.factor !== undefined && !(typeof b.factor === "number" && b.factor >= 1)) {
    throw invalid(`${field}.factor`, "must be a number of at least 1", b.factor, RangeError);
  }
  if (b.jitter !== undefined && !(typeof b.jitter === "number" && b.jitter >= 0 && b.jitter <= 1)) {
    throw invalid(`${field}.jitter`, "must be a fraction from 0 to 1", b.jitter, RangeError);
  }
  nonNegative(`${field}.resetAfterMs`, b.resetAfterMs, 0);
  return b as unknown as Backoff;
}

/** A supervisor spec with every default filled in and every child validated. */
export interface ResolvedSupervisorSpec {
  strategy: Strategy;
  intensity: number;
  period: number;
  autoShutdown: AutoShutdown;
  children: ResolvedChildSpec[];
}

/**
 * Validates a supervisor spec up front (OTP's `supervisor:check_childspecs/1` and
 * flags), naming the bad field. Defaults: intensity 1, period 5000 ms, autoShutdown "never".
 */
export function resolveSupervisorSpec(spec: unknown): ResolvedSupervisorSpec {
  if (spec === null || typeof spec !== "object") throw invalid("spec", "must be an object", spec);
  const s = spec as Record<string, unknown>;
  const strategy = oneOf("strategy", s.strategy, STRATEGIES, undefined as unknown as Strategy);
  if (strategy === undefined) throw invalid("strategy", `must be one of ${STRATEGIES.map(show).join(", ")}`, undefined);
  const intensity = nonNegative("intensity", s.intensity, 1, true);
  const period = nonNegative("period", s.period, 5000);
  if (period === 0) throw invalid("period", "must be a positive number of ms", period, RangeError);
  const autoShutdown = oneOf("autoShutdown", s.autoShutdown, AUTO_SHUTDOWNS, "never");
  if (!Array.isArray(s.children)) throw invalid("children", "must be an array of child specs", s.children);
  const simple = strategy === "simple_one_for_one";
  if (simple && s.children.length !== 1) {
    throw invalid("children", "must hold exactly one template child spec for simple_one_for_one (its length)", s.children.length);
  }
  if (simple && autoShutdown !== "never") {
    throw invalid("autoShutdown", 'must be "never" for simple_one_for_one (OTP refuses the combination)', autoShutdown);
  }
  const children = s.children.map((child, i) => resolveChildSpec(child, `children[${i}]`, simple));
  const significant = children.findIndex((child) => child.significant);
  if (significant >= 0 && autoShutdown === "never") {
    throw invalid(`children[${significant}].significant`, 'must be false when autoShutdown is "never" (OTP refuses the combination)', true);
  }
  const seen = new Set<string>();
  children.forEach((child, i) => {
    if (seen.has(child.id)) throw invalid(`children[${i}].id`, "must be unique among the children", child.id);
    seen.add(child.id);
  });
  return { strategy, intensity, period, autoShutdown, children };
}
