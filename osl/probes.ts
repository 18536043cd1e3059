import { connect } from "node:net";
import * as v from "valibot";
import type { ActorRef, HealthCheck } from "../mod.ts";
import { after, durationMs, nonEmpty, numberAtLeast, parseSpec, type Schema, timeoutSignal, typed, waitMs } from "../src/internal.ts";
import { ReadinessError } from "./errors.ts";
import type { LogCapture } from "./logs.ts";

/** What tells that a process is up: exactly one of these fields. */
export type Probe =
  /** A TCP connection to `host:tcpPort` is accepted (`host` @default "127.0.0.1"). */
  | { tcpPort: number; host?: string }
  /** An HTTP GET of `httpUrl` answers 2xx. */
  | { httpUrl: string }
  /** A line of stdout or stderr matches (a string: contains it). Readiness only. */
  | { logLine: string | RegExp }
  /** The child sends this message over IPC (`process.send(...)` in a Node, Deno or Bun child). Readiness only. */
  | { ipcMessage: unknown };

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
export const readinessJsonKinds: Record<string, v.ObjectEntries> = { tcpPort: tcpEntries, httpUrl: httpEntries, logLine: logLineJson };
/** The probe kinds a liveness check of the `supervise` config may use. */
export const livenessJsonKinds: Record<string, v.ObjectEntries> = { tcpPort: tcpEntries, httpUrl: httpEntries };
/** The timing fields of a readiness probe. */
export const readinessTimingEntries: v.ObjectEntries = readinessTiming;

/** The schema of `Readiness` in the API (RegExp lines and IPC messages allowed). */
export const readinessSchema: Schema<Readiness> = probeSchema(
  { tcpPort: tcpEntries, httpUrl: httpEntries, logLine: logLineApi, ipcMessage: ipcEntries },
  readinessTiming,
);

/** The schema of `probeCheck`'s probe. */
const checkProbeSchema: Schema<Probe> = probeSchema(livenessJsonKinds, {});

/** What a readiness wait can observe of the process. */
export interface ProcessView {
  logs: LogCapture;
  /** Registers a listener for IPC messages from the child; returns its removal. */
  onMessage(listener: (message: unknown) => void): () => void;
}

function tryConnect(port: number, host: string, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      signal?.removeEventListener("abort", abort);
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    const abort = () => done(false);
    signal?.addEventListener("abort", abort, { once: true });
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function tryGet(url: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(url, { signal });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Passes once, or fails: `true` when a TCP or HTTP probe succeeds now. */
function attempt(probe: Probe, signal?: AbortSignal): Promise<boolean> {
  if ("tcpPort" in probe) return tryConnect(probe.tcpPort, probe.host ?? "127.0.0.1", signal);
  if ("httpUrl" in probe) return tryGet(probe.httpUrl, signal);
  throw new TypeError("Only tcpPort and httpUrl probes can be attempted on demand");
}

function describe(probe: Probe): string {
  if ("tcpPort" in probe) return `${probe.host ?? "127.0.0.1"}:${probe.tcpPort} accepted no connection`;
  if ("httpUrl" in probe) return `GET ${probe.httpUrl} answered no 2xx`;
  if ("logLine" in probe) return `no output line matched ${String(probe.logLine)}`;
  return `no IPC message ${JSON.stringify(probe.ipcMessage)} arrived`;
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
 * Resolves once `readiness` passes for the process seen through `view`. Rejects with
 * a `ReadinessError` after `timeoutMs`, or when `exited` aborts (the process exited:
 * its reason is the cause).
 */
export async function waitUntilReady(readiness: Readiness, view: ProcessView, exited: AbortSignal): Promise<void> {
  const { intervalMs = 50 } = readiness;
  const timeoutMs = readiness.timeoutMs === "infinity" ? Infinity : readiness.timeoutMs ?? 30_000;
  const { signal: timeout, clear } = timeoutSignal(timeoutMs);
  const either = AbortSignal.any([exited, timeout]);
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
      while (!(await attempt(readiness, either))) {
        either.throwIfAborted();
        await new Promise<void>((resolve) => {
          const cancel = after(intervalMs, done);
          function done(): void {
            either.removeEventListener("abort", done);
            cancel();
            resolve();
          }
          either.addEventListener("abort", done, { once: true });
        });
        either.throwIfAborted();
      }
    }
  } catch (error) {
    if (exited.aborted) throw new ReadinessError(describe(readiness), timeoutMs, true, exited.reason);
    if (timeout.aborted) throw new ReadinessError(describe(readiness), timeoutMs, false);
    throw error;
  } finally {
    clear();
  }
}

/**
 * A liveness check (`ChildSpec.liveness.check`) from a TCP or HTTP probe: passes when
 * the port accepts a connection / the URL answers 2xx before `signal` aborts.
 *
 * @throws {TypeError | RangeError} when the probe is invalid
 * @example
 * ```ts
 * import { osProcess, probeCheck } from "@airssys/rt/osl";
 * const child = {
 *   id: "web",
 *   start: osProcess({ command: "node", args: ["web.mjs"] }),
 *   liveness: { check: probeCheck({ httpUrl: "http://127.0.0.1:8080/health" }), intervalMs: 5000 },
 * };
 * ```
 */
export function probeCheck(probe: { tcpPort: number; host?: string } | { httpUrl: string }): HealthCheck {
  parseSpec(checkProbeSchema, probe, "probe");
  return async (_ref: ActorRef<never>, signal: AbortSignal): Promise<void> => {
    if (!(await attempt(probe, signal))) throw new Error(describe(probe));
  };
}
