import { constants } from "node:os";
import * as v from "valibot";
import { boolean, fieldRule, nonEmpty, numberAtLeast, oneOf, type Schema, typed } from "../src/internal.ts";
import { type LogOptions, logsSchema } from "./logs.ts";
import { probeSchema, type Readiness, readinessJsonKinds, readinessSchema, readinessTimingEntries } from "./probes.ts";
import { limitsSchema, type ResourceLimits } from "./sampler.ts";

/** A POSIX signal name, e.g. `"SIGTERM"` (those the host knows are accepted). */
export type Signal = `SIG${string}`;

/**
 * Where a child's stdout or stderr goes: dropped, the runtime's own, captured (ring,
 * file, `log` events; see `logs`), or captured and also given line by line to a callback.
 */
export type OutputHandling = "ignore" | "inherit" | "capture" | ((line: string) => void);

/**
 * An OS process as a supervised child (the spec of `osProcess`).
 *
 * @example
 * ```ts
 * import type { OsProcessSpec } from "@airssys/rt/osl";
 * const redis: OsProcessSpec = {
 *   command: "redis-server",
 *   args: ["--port", "6379"],
 *   readiness: { tcpPort: 6379 },
 *   limits: { maxRssBytes: 1024 ** 3 },
 * };
 * ```
 */
export interface OsProcessSpec {
  /** The executable, looked up on `PATH`; run directly, never through a shell unless `shell` names one. */
  command: string;
  /** Its arguments. @default [] */
  args?: readonly string[];
  /** Working directory. @default the runtime's */
  cwd?: string;
  /** Variables added to the inherited environment (they win over inherited ones). @default none */
  env?: Record<string, string>;
  /**
   * Which of the runtime's environment variables the child inherits: all (`true`), none
   * (`false`: only `env`), or the listed names. systemd starts services with an almost
   * empty environment and passes only what a unit sets; `false` or a list gives the same
   * containment here, so secrets in the supervisor's environment need not reach every
   * child. @default true
   */
  inheritEnv?: boolean | readonly string[];
  /** Where stdout goes. @default "capture" */
  stdout?: OutputHandling;
  /** Where stderr goes. @default "capture" */
  stderr?: OutputHandling;
  /** How captured output is kept: a ring read with `OsProcessRef.logs()`, an optional rotating file. @default a ring of 1000 lines */
  logs?: LogOptions;
  /** Sent to the process group on an orderly stop (then SIGCONT, so a paused child acts on it). @default "SIGTERM" */
  stopSignal?: Signal;
  /** Exit codes that count as a `"normal"` exit. @default [0] */
  successExitCodes?: readonly number[];
  /** The start completes only once this probe passes (see `Readiness`). @default none: at once */
  readiness?: Readiness;
  /** Resource policy (see `ResourceLimits`). @default none */
  limits?: ResourceLimits;
  /** Run the command through this shell, e.g. `"/bin/sh"` (execa only). @default none: no shell, ever */
  shell?: string;
  /**
   * `"execa"`, or `"native"` (Bun.spawn, Deno.Command or Node's child_process: the lowest
   * restart latency; no `shell`, no IPC readiness). @default "native" on Deno (its
   * node:child_process, under execa, grows RSS with every spawn) unless `shell` or IPC
   * readiness needs execa; "execa" elsewhere
   */
  spawn?: "execa" | "native";
}

/** A string without NUL bytes (a NUL cannot cross into argv or the environment). */
const noNul = (rule: string) =>
  v.pipe(v.string(rule), v.check((s) => !s.includes("\0"), `${rule} (without NUL bytes)`));

const signalName = v.picklist(
  Object.keys(constants.signals) as Signal[],
  'must be a signal name like "SIGTERM"',
);
const outputJson = oneOf(["ignore", "inherit", "capture"] as const);
const outputApi = v.union([outputJson, v.function()], 'must be "ignore", "inherit", "capture" or a function');

/** The fields of a process spec that JSON can hold, shared with the `supervise` config. */
export const processJsonEntries: v.ObjectEntries = {
  command: v.pipe(noNul("must be a non-empty string"), v.minLength(1, "must be a non-empty string")),
  args: v.optional(v.array(noNul("must be a string"), "must be an array of strings")),
  cwd: v.optional(v.pipe(noNul("must be a non-empty path"), v.minLength(1, "must be a non-empty path"))),
  env: v.optional(v.record(
    v.pipe(noNul("must be a variable name"), v.regex(/^[^=]+$/, "must be a variable name (without '=')")),
    noNul("must be a string"),
    "must be an object of strings",
  )),
  inheritEnv: v.optional(v.union([boolean, v.array(v.string())], "must be true, false or a list of variable names")),
  stopSignal: v.optional(signalName),
  successExitCodes: v.optional(
    v.array(
      v.pipe(
        numberAtLeast(0, "must be an exit code from 0 to 255", true),
        v.maxValue(255, "must be an exit code from 0 to 255"),
      ),
      "must be an array of exit codes",
    ),
  ),
  readiness: v.optional(probeSchema(readinessJsonKinds, readinessTimingEntries)),
  limits: v.optional(limitsSchema),
  logs: v.optional(logsSchema),
  stdout: v.optional(outputJson),
  stderr: v.optional(outputJson),
  spawn: v.optional(oneOf(["execa", "native"] as const)),
};

const captures = (o: OutputHandling | undefined) => o !== "ignore" && o !== "inherit";

/** The schema of `OsProcessSpec`. */
export const osProcessSpecSchema: Schema<OsProcessSpec> = v.pipe(
  typed<OsProcessSpec>(v.object({
    ...processJsonEntries,
    readiness: v.optional(readinessSchema),
    stdout: v.optional(outputApi),
    stderr: v.optional(outputApi),
    shell: v.optional(nonEmpty("must be a non-empty path of a shell")),
  }, "must be an object with a command")),
  fieldRule<OsProcessSpec>(
    "readiness",
    "needs stdout or stderr captured for a logLine probe",
    (s) => !(s.readiness !== undefined && "logLine" in s.readiness) || captures(s.stdout) || captures(s.stderr),
  ),
);
