import { isAbsolute, resolve } from "node:path";
import { osProcess } from "../osl/process.ts";
import { probeCheck, type Readiness } from "../osl/readiness.ts";
import type { ResourceLimits } from "../osl/sampler.ts";
import type { LogOptions } from "../osl/logs.ts";
import type { Startable } from "./actor.ts";
import { type ChildSpec, supervisor, type SupervisorMessage, type SupervisorRef } from "./supervisor.ts";

/** A config the `supervise` command refuses; `path` is the JSON path of the bad field. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly path: string, rule: string, value: unknown) {
    super(`Invalid config at ${path}: ${rule} (got ${value === undefined ? "nothing" : JSON.stringify(value)})`);
  }
}

type Json = Record<string, unknown>;

const SUPERVISOR_KEYS = ["id", "strategy", "intensity", "period", "restart", "shutdown", "children"];
const PROCESS_KEYS = [
  "id", "command", "args", "cwd", "env", "restart", "shutdown", "stopSignal", "successExitCodes",
  "readiness", "liveness", "limits", "logs", "stdout", "stderr", "spawn",
];
const STRATEGIES = ["one_for_one", "one_for_all", "rest_for_one"];
const RESTARTS = ["permanent", "transient", "temporary"];
const OUTPUTS = ["ignore", "inherit", "capture"];
const SPAWNS = ["execa", "native"];

function object(value: unknown, path: string, keys: readonly string[]): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new ConfigError(path, "must be an object", value);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new ConfigError(`${path}.${key}`, `is not a known field (known: ${keys.join(", ")})`, (value as Json)[key]);
  }
  return value as Json;
}

function optional<T>(node: Json, key: string, path: string, check: (v: unknown) => boolean, rule: string): T | undefined {
  const value = node[key];
  if (value !== undefined && !check(value)) throw new ConfigError(`${path}.${key}`, rule, value);
  return value as T | undefined;
}

const isString = (v: unknown) => typeof v === "string" && v !== "";
const isStrings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
const isPositive = (v: unknown) => typeof v === "number" && v > 0;
const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const isPositiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
const oneOf = (list: string[]) => (v: unknown) => list.includes(v as string);
const rule = (list: string[]) => `must be one of ${list.map((s) => JSON.stringify(s)).join(", ")}`;

function shutdownOf(node: Json, path: string): ChildSpec["shutdown"] {
  return optional(
    node,
    "shutdown",
    path,
    (v) => v === "brutal_kill" || v === "infinity" || (typeof v === "number" && v >= 0),
    'must be a non-negative number of ms, "brutal_kill" or "infinity"',
  );
}

/**
 * A readiness (`forReadiness`: tcpPort, httpUrl or logLine) or liveness (tcpPort or
 * httpUrl) probe: exactly one kind, plus its timing fields.
 */
function probe(value: unknown, path: string, forReadiness: boolean): Json {
  const kinds = forReadiness ? ["tcpPort", "httpUrl", "logLine"] : ["tcpPort", "httpUrl"];
  const timing = forReadiness ? ["timeoutMs", "intervalMs"] : ["intervalMs", "timeoutMs", "failureThreshold"];
  const node = object(value, path, [...kinds, "host", ...timing]);
  const given = kinds.filter((k) => k in node);
  if (given.length !== 1) throw new ConfigError(path, `needs exactly one of ${kinds.join(", ")}`, node);
  optional(node, "tcpPort", path, (v) => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536, "must be a port from 1 to 65535");
  optional(node, "httpUrl", path, (v) => typeof v === "string" && /^https?:\/\//.test(v) && URL.canParse(v), "must be an http:// or https:// URL");
  optional(node, "logLine", path, isString, "must be a non-empty string (found in a line of output)");
  optional(node, "host", path, isString, "must be a non-empty string");
  for (const key of ["timeoutMs", "intervalMs"]) optional(node, key, path, isPositive, "must be a positive number of ms");
  optional(node, "failureThreshold", path, isPositiveInteger, "must be a positive integer");
  return node;
}

function processChild(node: Json, path: string, baseDir: string): ChildSpec {
  object(node, path, PROCESS_KEYS);
  const command = optional<string>(node, "command", path, isString, "must be a non-empty string")!;
  const env = optional<Record<string, string>>(
    node, "env", path,
    (v) => v !== null && typeof v === "object" && Object.values(v as Json).every((s) => typeof s === "string"),
    "must be an object of strings",
  );
  const cwd = optional<string>(node, "cwd", path, isString, "must be a non-empty string");
  const readiness = node.readiness === undefined ? undefined : probe(node.readiness, `${path}.readiness`, true);
  const liveness = node.liveness === undefined ? undefined : probe(node.liveness, `${path}.liveness`, false);
  const limits = node.limits === undefined
    ? undefined
    : object(node.limits, `${path}.limits`, ["maxRssBytes", "maxCpuPercent", "sampleIntervalMs", "forSamples", "tree"]);
  if (limits !== undefined) {
    for (const key of ["maxRssBytes", "maxCpuPercent", "sampleIntervalMs"]) optional(limits, key, `${path}.limits`, isPositive, "must be a positive number");
    optional(limits, "forSamples", `${path}.limits`, isPositiveInteger, "must be a positive integer");
    optional(limits, "tree", `${path}.limits`, (v) => typeof v === "boolean", "must be true or false");
  }
  const logs = node.logs === undefined ? undefined : object(node.logs, `${path}.logs`, ["lines", "maxLineLength", "file", "maxBytes", "maxFiles"]);
  if (logs !== undefined) {
    for (const key of ["lines", "maxFiles"]) optional(logs, key, `${path}.logs`, isCount, "must be a non-negative integer");
    for (const key of ["maxLineLength", "maxBytes"]) optional(logs, key, `${path}.logs`, isPositiveInteger, "must be a positive integer");
    const file = optional<string>(logs, "file", `${path}.logs`, isString, "must be a non-empty path");
    if (file !== undefined) logs.file = isAbsolute(file) ? file : resolve(baseDir, file);
  }
  const start = osProcess({
    command,
    args: optional(node, "args", path, isStrings, "must be an array of strings"),
    cwd: cwd === undefined ? baseDir : isAbsolute(cwd) ? cwd : resolve(baseDir, cwd),
    env,
    stopSignal: optional(node, "stopSignal", path, (v) => typeof v === "string" && /^SIG[A-Z0-9]+$/.test(v), "must be a signal name like \"SIGTERM\""),
    successExitCodes: optional(node, "successExitCodes", path, (v) => Array.isArray(v) && v.every(isCount), "must be an array of exit codes"),
    readiness: readiness as Readiness | undefined,
    limits: limits as ResourceLimits | undefined,
    logs: logs as LogOptions | undefined,
    stdout: optional(node, "stdout", path, oneOf(OUTPUTS), rule(OUTPUTS)),
    stderr: optional(node, "stderr", path, oneOf(OUTPUTS), rule(OUTPUTS)),
    spawn: optional(node, "spawn", path, oneOf(SPAWNS), rule(SPAWNS)),
  });
  return {
    id: node.id as string,
    start,
    restart: optional(node, "restart", path, oneOf(RESTARTS), rule(RESTARTS)),
    shutdown: shutdownOf(node, path),
    liveness: liveness === undefined ? undefined : {
      check: probeCheck(liveness as { tcpPort: number } | { httpUrl: string }),
      intervalMs: liveness.intervalMs as number | undefined,
      timeoutMs: liveness.timeoutMs as number | undefined,
      failureThreshold: liveness.failureThreshold as number | undefined,
    },
  };
}

function supervisorChild(node: Json, path: string, baseDir: string): ChildSpec {
  return {
    id: node.id as string,
    start: supervisorOf(node, path, baseDir),
    restart: optional(node, "restart", path, oneOf(RESTARTS), rule(RESTARTS)),
    shutdown: shutdownOf(node, path),
    type: "supervisor",
  };
}

function supervisorOf(node: Json, path: string, baseDir: string): Startable<SupervisorMessage, SupervisorRef> {
  object(node, path, SUPERVISOR_KEYS);
  const strategy = optional<string>(node, "strategy", path, oneOf(STRATEGIES), rule(STRATEGIES)) ?? "one_for_one";
  const intensity = optional<number>(node, "intensity", path, isCount, "must be a non-negative integer");
  const period = optional<number>(node, "period", path, isPositive, "must be a positive number of ms");
  if (!Array.isArray(node.children)) throw new ConfigError(`${path}.children`, "must be an array", node.children);
  const ids = new Set<string>();
  const children = node.children.map((child: unknown, i: number) => {
    const at = `${path}.children[${i}]`;
    const c = object(child, at, [...new Set([...SUPERVISOR_KEYS, ...PROCESS_KEYS])]);
    if (!isString(c.id)) throw new ConfigError(`${at}.id`, "must be a non-empty string", c.id);
    if (ids.has(c.id as string)) throw new ConfigError(`${at}.id`, "must be unique among its siblings", c.id);
    ids.add(c.id as string);
    if ("children" in c) return supervisorChild(c, at, baseDir);
    if (!("command" in c)) throw new ConfigError(`${at}.command`, "is required for a process (or give children for a supervisor)", undefined);
    return processChild(c, at, baseDir);
  });
  return supervisor({ strategy: strategy as "one_for_one", intensity, period, children });
}

/**
 * Validates a `supervise` config and builds its root supervisor. Relative `cwd`
 * values, and a missing one, resolve against `baseDir` (the config's directory).
 *
 * @throws {ConfigError} naming the JSON path of the first bad field
 */
export function parseConfig(json: unknown, baseDir: string): { id: string; root: Startable<SupervisorMessage, SupervisorRef> } {
  const node = object(json, "$", SUPERVISOR_KEYS);
  const id = optional<string>(node, "id", "$", isString, "must be a non-empty string") ?? "root";
  return { id, root: supervisorOf(node, "$", baseDir) };
}
