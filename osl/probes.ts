import * as v from "valibot";
import type { ActorRef, HealthCheck } from "../mod.ts";
import {
  after,
  controlOf,
  durationMs,
  nonEmpty,
  numberAtLeast,
  parseSpec,
  type Schema,
  timeoutSignal,
  typed,
  waitMs,
} from "../src/internal.ts";
import { attempt, describe, Refused } from "./_attempts.ts";
import { ReadinessError } from "./errors.ts";
import type { LogCapture } from "./logs.ts";

/** What tells that a process is up: exactly one of these fields. */
export type Probe =
  /**
   * A TCP connection to `host:tcpPort` is accepted (`host` @default "127.0.0.1"); for a
   * local host, only if the listening socket belongs to the child's process tree.
   */
  | { tcpPort: number; host?: string }
  /**
   * This command (argv, no shell) exits 0 within `execTimeoutMs` (@default 1000), e.g.
   * `["redis-cli", "-p", "6379", "ping"]` (Kubernetes' exec probe): it sees a hung daemon.
   */
  | { exec: readonly string[]; execTimeoutMs?: number | "infinity" }
  /** An HTTP GET of `httpUrl` answers 2xx. */
  | { httpUrl: string }
  /** A line of stdout or stderr matches (a string: contains it). Readiness only. */
  | { logLine: string | RegExp }
  /** The child sends this message over IPC (`process.send(...)` in a Node, Deno or Bun child). Readiness only. */
  | { ipcMessage: unknown };

/** A probe `probeCheck` can run on demand: a TCP port, an HTTP URL or a command. */
export type CheckProbe =
  | { tcpPort: number; host?: string }
  | { httpUrl: string }
  | { exec: readonly string[]; execTimeoutMs?: number | "infinity" };

/**
 * `readiness` of an OS process: its start completes (and the supervisor starts the
 * next sibling) only once the probe passes; the start fails after `timeoutMs`.
 *
 * @example
 * ```ts
 * import type { Readiness } from "@airssys/rt/osl";
 * const readiness: Readiness = { tcpPort: 6379, timeoutMs: 10_000 };
 * ```
 */
export type Readiness = Probe & {
  /** Time to wait for the probe to pass, in ms; `"infinity"`: no limit. @default 30000 */
  timeoutMs?: number | "infinity";
  /** Pause between TCP / HTTP attempts, in ms. @default 50 */
  intervalMs?: number;
};

// The kinds of probe, each defined once; a probe is exactly one kind plus timing fields.
const port = numberAtLeast(1, "must be an integer port from 1 to 65535", true);
const tcpEntries = {
  tcpPort: v.pipe(port, v.maxValue(65535, "must be an integer port from 1 to 65535")),
  host: v.optional(nonEmpty("must be a non-empty host name or address")),
};
const httpEntries = {
  httpUrl: v.pipe(
    v.string("must be an http:// or https:// URL"),
    v.check((url) => /^https?:\/\//.test(url) && URL.canParse(url), "must be an http:// or https:// URL"),
  ),
};
const execEntries = {
  exec: v.pipe(
    v.array(
      v.pipe(
        v.string("must be a list of strings"),
        v.check((a) => !a.includes("\0"), "must be a list of strings without NUL bytes"),
      ),
      "must be a list of strings: the command and its arguments",
    ),
    v.minLength(1, "must be a list of strings: the command and its arguments"),
    v.check((argv) => argv[0] !== "", "must start with a non-empty command"),
  ),
  execTimeoutMs: v.optional(waitMs("must be a number of ms, at least 1", 1)),
};
const logLineJson = { logLine: nonEmpty("must be a non-empty string (found in a line of output)") };
const logLineApi = {
  logLine: v.union([v.string(), v.instance(RegExp)], "must be a string or a RegExp"),
};
const ipcEntries = { ipcMessage: v.custom<unknown>((m) => m !== undefined, "must be a message (any JSON value)") };
const readinessTiming = {
  timeoutMs: v.optional(waitMs("must be a number of ms, at least 1", 1)),
  intervalMs: v.optional(durationMs("must be a number of ms, at least 1", 1)),
};

/** For each probe schema, the same rules as a plain union (what JSON Schema can state). */
const alternatives = new WeakMap<object, v.GenericSchema>();

/**
 * A probe schema: exactly one of `kinds` (each a set of fields), plus `timing` fields;
 * unknown fields are refused. The kind present picks the fields checked, so a refusal
 * names the field that is wrong.
 */
export function probeSchema<T>(kinds: Record<string, v.ObjectEntries>, timing: v.ObjectEntries): Schema<T> {
  const names = Object.keys(kinds);
  const rule = `must have exactly one of ${names.join(", ")}`;
  const branches = new Map(names.map((name) => [name, v.strictObject({ ...kinds[name], ...timing }, rule)]));
  // No kind: its other fields are still checked (a misspelt kind is an unknown field), then refused.
  const none = v.pipe(v.strictObject(timing, rule), v.check(() => false, rule));
  const pick = v.lazy((probe) =>
    (probe !== null && typeof probe === "object" && branches.get(names.find((name) => name in probe) ?? "")) || none
  );
  const schema = v.pipe(
    v.looseObject({}, "must be an object"),
    v.check((probe) => names.filter((name) => name in probe).length <= 1, rule),
    pick,
  );
  const union = v.union([...branches.values()], rule);
  alternatives.set(schema, union);
  alternatives.set(pick, union);
  return typed(schema);
}

/** The plain union of a probe schema's kinds, for JSON Schema (undefined: not a probe schema). */
export function probeAlternatives(schema: object): v.GenericSchema | undefined {
  return alternatives.get(schema);
}

/** The probe kinds a readiness of the `supervise` config may use (JSON only). */
export const readinessJsonKinds: Record<string, v.ObjectEntries> = {
  tcpPort: tcpEntries,
  httpUrl: httpEntries,
  exec: execEntries,
  logLine: logLineJson,
};
/** The probe kinds a liveness check of the `supervise` config may use. */
export const livenessJsonKinds: Record<string, v.ObjectEntries> = {
  tcpPort: tcpEntries,
  httpUrl: httpEntries,
  exec: execEntries,
};
/** The timing fields of a readiness probe. */
export const readinessTimingEntries: v.ObjectEntries = readinessTiming;

/** The schema of `Readiness` in the API (RegExp lines and IPC messages allowed). */
export const readinessSchema: Schema<Readiness> = probeSchema(
  { tcpPort: tcpEntries, httpUrl: httpEntries, exec: execEntries, logLine: logLineApi, ipcMessage: ipcEntries },
  readinessTiming,
);

/** The schema of `probeCheck`'s probe. */
const checkProbeSchema: Schema<CheckProbe> = probeSchema(livenessJsonKinds, {});

/** What a readiness wait can observe of the process. */
export interface ProcessView {
  pid: number;
  logs: LogCapture;
  /** Registers a listener for IPC messages from the child; returns its removal. */
  onMessage(listener: (message: unknown) => void): () => void;
}

/** Resolves when a listener registered by `subscribe` calls `pass`; rejects when `signal` aborts. */
function waitFor(subscribe: (pass: () => void) => () => void, signal: AbortSignal): Promise<void> {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const unsubscribe = subscribe(resolve);
  const abort = () => reject(signal.reason);
  signal.addEventListener("abort", abort, { once: true });
  return promise.finally(() => {
    unsubscribe();
    signal.removeEventListener("abort", abort);
  });
}

/**
 * Resolves once `readiness` passes for the process seen through `view`. Rejects with a
 * `ReadinessError` after `timeoutMs`, at once when `exited` aborts (the process exited:
 * its reason is the cause) or when a TCP port turns out to be another process's, and
 * with `cancelled.reason` when `cancelled` aborts (a stop was requested).
 */
export async function waitUntilReady(
  readiness: Readiness,
  view: ProcessView,
  exited: AbortSignal,
  cancelled: AbortSignal,
): Promise<void> {
  const { intervalMs = 50 } = readiness;
  const timeoutMs = readiness.timeoutMs === "infinity" ? Infinity : readiness.timeoutMs ?? 30_000;
  const { signal: timeout, clear } = timeoutSignal(timeoutMs);
  const either = AbortSignal.any([exited, timeout, cancelled]);
  try {
    if ("logLine" in readiness) {
      const { logLine } = readiness;
      const matches = (line: string) => typeof logLine === "string" ? line.includes(logLine) : logLine.test(line);
      if (view.logs.lines().some((l) => matches(l.line))) return;
      await waitFor((pass) => view.logs.listen((l) => matches(l.line) && pass()), either);
    } else if ("ipcMessage" in readiness) {
      const expected = JSON.stringify(readiness.ipcMessage);
      await waitFor((pass) => view.onMessage((m) => JSON.stringify(m) === expected && pass()), either);
    } else {
      for (
        let outcome = await attempt(readiness, view.pid, either);
        outcome !== true;
        outcome = await attempt(readiness, view.pid, either)
      ) {
        if (outcome instanceof Refused) throw new ReadinessError(outcome.reason, timeoutMs, false);
        either.throwIfAborted();
        await pause(intervalMs, either);
      }
    }
  } catch (error) {
    if (cancelled.aborted) throw cancelled.reason;
    if (exited.aborted) throw new ReadinessError(describe(readiness), timeoutMs, true, exited.reason);
    if (timeout.aborted) throw new ReadinessError(describe(readiness), timeoutMs, false);
    throw error;
  } finally {
    clear();
  }
}

/** Waits `ms`, or less if `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const cancel = after(ms, done);
    function done(): void {
      signal.removeEventListener("abort", done);
      cancel();
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * A liveness check (`ChildSpec.liveness.check`) from a probe: passes when the port
 * accepts a connection (a local one only from the child's own tree), the URL answers
 * 2xx, or the command exits 0, before `signal` aborts. Whatever the probe, the
 * supervisor fails the check of an OS process that stayed stopped (SIGSTOP) or a zombie
 * for a whole interval: a hung daemon that still completes TCP handshakes is seen.
 *
 * @throws {TypeError | RangeError} when the probe is invalid
 * @example
 * ```ts
 * import { osProcess, probeCheck } from "@airssys/rt/osl";
 * const child = {
 *   id: "redis",
 *   start: osProcess({ command: "redis-server", args: ["--port", "6379"] }),
 *   liveness: { check: probeCheck({ exec: ["redis-cli", "-p", "6379", "ping"] }), intervalMs: 5000 },
 * };
 * ```
 */
export function probeCheck(probe: CheckProbe): HealthCheck {
  parseSpec(checkProbeSchema, probe, "probe");
  return async (ref: ActorRef<never>, signal: AbortSignal): Promise<void> => {
    const outcome = await attempt(probe, controlOf(ref as ActorRef<unknown>).facts()?.pid, signal);
    if (outcome !== true) throw new Error(outcome instanceof Refused ? outcome.reason : describe(probe));
  };
}
