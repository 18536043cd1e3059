import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as v from "valibot";
import { toJsonSchema } from "@valibot/to-json-schema";
import {
  type ChildSpec,
  type Liveness,
  type Restart,
  type Shutdown,
  type Startable,
  supervisor,
  type SupervisorMessage,
  type SupervisorRef,
} from "../mod.ts";
import { osProcess, type OsProcessSpec } from "../osl/mod.ts";
import {
  livenessJsonKinds,
  logFileProblem,
  probeAlternatives,
  probeCheck,
  probeSchema,
  processJsonEntries,
} from "../osl/internal.ts";
import {
  livenessTimingEntries,
  nonEmpty,
  oneOf,
  parseSpec,
  refusal,
  restartSchema,
  shutdownSchema,
  supervisorFlagEntries,
  typed,
} from "../src/internal.ts";
import { clusterConfigSchema } from "../cluster/internal.ts";
import demo from "../examples/demo.json" with { type: "json" };

// The `supervise` config: a tree of nodes, each a supervisor (it has `children`) or an
// OS process. Every field's schema is the API's own (osProcess, supervisor flags,
// restart, shutdown, probes), composed here; unknown fields are refused.

const childEntries = {
  id: nonEmpty("must be a non-empty string"),
  restart: v.optional(restartSchema),
  shutdown: v.optional(shutdownSchema),
};

/** The fields every node has. */
interface NodeBase {
  id: string;
  restart?: Restart;
  shutdown?: Shutdown;
}

/** A probe of a process node's liveness: tcpPort, httpUrl or exec, and the check's timing. */
type LivenessProbe =
  & ({ tcpPort: number; host?: string } | { httpUrl: string } | { exec: string[]; execTimeoutMs?: number })
  & Omit<Liveness, "check">;

/** A process node: the JSON-able fields of `OsProcessSpec`. */
type ProcessNode = NodeBase & Omit<OsProcessSpec, "stdout" | "stderr" | "shell"> & {
  stdout?: "ignore" | "inherit" | "capture";
  stderr?: "ignore" | "inherit" | "capture";
  liveness?: LivenessProbe;
};

/** A supervisor node: flags and children. */
interface SupervisorNode extends NodeBase {
  strategy?: "one_for_one" | "one_for_all" | "rest_for_one";
  intensity?: number;
  period?: number;
  children: (ProcessNode | SupervisorNode)[];
}

type NodeOutput = ProcessNode | SupervisorNode;

const processNode = typed<ProcessNode>(v.strictObject({
  ...childEntries,
  ...processJsonEntries,
  liveness: v.optional(probeSchema(livenessJsonKinds, livenessTimingEntries)),
}, "must be a process node (with a command) or a supervisor node (with children)"));

const supervisorEntries = {
  ...childEntries,
  strategy: v.optional(oneOf(["one_for_one", "one_for_all", "rest_for_one"] as const)),
  ...supervisorFlagEntries,
};

/** A node is a supervisor when it has `children`, otherwise a process. */
const node: v.GenericSchema<unknown, NodeOutput> = v.lazy((input) =>
  input !== null && typeof input === "object" && "children" in input ? supervisorNode : processNode
);

const supervisorNode = typed<SupervisorNode>(v.strictObject({
  ...supervisorEntries,
  children: v.array(node, "must be an array of nodes"),
}, "must be an object"));

/** The cluster the runtime joins (`joinCluster`'s options as JSON): `servers`, `cluster`, `node`, ... */
export type ClusterConfig = v.InferOutput<typeof clusterConfigSchema>;

/** The root: a supervisor node whose `id` defaults to "root", and the cluster to join, if any. */
interface RootNode extends SupervisorNode {
  cluster?: ClusterConfig;
}

const configSchema = typed<RootNode>(v.strictObject({
  ...supervisorEntries,
  id: v.optional(nonEmpty("must be a non-empty string"), "root"),
  cluster: v.optional(clusterConfigSchema),
  children: v.array(node, "must be an array of nodes"),
}, "must be an object with children"));

/**
 * The rules across nodes, refused before anything starts: two siblings with one id, and
 * a log file whose directory does not exist or is not writable.
 */
function checkTree(tree: { children: NodeOutput[] }, path: string, baseDir: string): void {
  const seen = new Set<string>();
  tree.children.forEach((child, i) => {
    const at = `${path}.children[${i}]`;
    if (seen.has(child.id)) throw refusal("config", `${at}.id`, "must be unique among its siblings", child.id);
    seen.add(child.id);
    if ("children" in child) return checkTree(child, at, baseDir);
    const file = child.logs?.file;
    const problem = file === undefined ? undefined : logFileProblem(absolute(file, baseDir));
    if (problem !== undefined) throw refusal("config", `${at}.logs.file`, problem, file);
  });
}

/**
 * The config's JSON Schema (draft-07), generated from the same definitions, for editors
 * (`supervise --schema > tree.schema.json`).
 */
export function configJsonSchema(): object {
  const definitions = { supervisor: supervisorNode, process: processNode };
  const schema = toJsonSchema(configSchema, {
    errorMode: "ignore",
    definitions,
    overrideSchema: ({ valibotSchema }) => {
      if (valibotSchema === node) return { anyOf: [{ $ref: "#/$defs/supervisor" }, { $ref: "#/$defs/process" }] };
      const probe = probeAlternatives(valibotSchema);
      return probe === undefined ? undefined : toJsonSchema(probe, { errorMode: "ignore" });
    },
  });
  return { $schema: "http://json-schema.org/draft-07/schema#", title: "supervise config (airssys-rt)", ...schema };
}

function absolute(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function processChild(n: ProcessNode, baseDir: string): ChildSpec {
  const { id, restart, shutdown, liveness, cwd, logs, ...spec } = n;
  return {
    id,
    restart,
    shutdown,
    start: osProcess({
      ...spec,
      cwd: cwd === undefined ? baseDir : absolute(cwd, baseDir),
      logs: logs?.file === undefined ? logs : { ...logs, file: absolute(logs.file, baseDir) },
    }),
    liveness: liveness === undefined ? undefined : {
      check: probeCheck(
        "tcpPort" in liveness
          ? { tcpPort: liveness.tcpPort, host: liveness.host }
          : "httpUrl" in liveness
          ? { httpUrl: liveness.httpUrl }
          : { exec: liveness.exec, execTimeoutMs: liveness.execTimeoutMs },
      ),
      intervalMs: liveness.intervalMs,
      timeoutMs: liveness.timeoutMs,
      failureThreshold: liveness.failureThreshold,
    },
  };
}

/** The child spec a node of the config stands for (a supervisor or an OS process). */
export function childSpecOf(node: ConfigNode, baseDir: string): ChildSpec {
  if (!("children" in node)) return processChild(node, baseDir);
  return {
    id: node.id,
    restart: node.restart,
    shutdown: node.shutdown,
    type: "supervisor",
    start: supervisorOf(node, baseDir),
  };
}

/** A supervisor node's flags, defaults filled in. */
export function flagsOf(
  node: SupervisorNode,
): { strategy: "one_for_one" | "one_for_all" | "rest_for_one"; intensity: number; period: number } {
  return { strategy: node.strategy ?? "one_for_one", intensity: node.intensity ?? 1, period: node.period ?? 5000 };
}

function supervisorOf(node: SupervisorNode, baseDir: string): Startable<SupervisorMessage, SupervisorRef> {
  return supervisor({ ...flagsOf(node), children: node.children.map((child) => childSpecOf(child, baseDir)) });
}

/** A node of a validated config: a supervisor (it has `children`) or an OS process. */
export type ConfigNode = ProcessNode | SupervisorNode;
export type { SupervisorNode };

/** A parsed config: the root's id, the validated tree, and the root's Startable. */
export interface Config {
  id: string;
  tree: RootNode;
  baseDir: string;
  root: Startable<SupervisorMessage, SupervisorRef>;
}

/**
 * Validates a `supervise` config and builds its root supervisor. Relative `cwd` and
 * `logs.file` values, and a missing `cwd`, resolve against `baseDir` (the config's
 * directory).
 *
 * @throws {TypeError | RangeError} `Invalid config at $.children[1].restart: must be one of ... (got "always")`
 */
export function parseConfig(json: unknown, baseDir: string): Config {
  const tree = parseSpec(configSchema, json, "config", "$");
  checkTree(tree, "$", baseDir);
  return { id: tree.id, tree, baseDir, root: supervisorOf(tree, baseDir) };
}

/**
 * Reads a config file (no path: the embedded demo, `examples/demo.json`) and returns
 * its JSON and the directory relative paths resolve against.
 * @throws {TypeError} when the file cannot be read or is not JSON
 */
export function loadConfig(path: string | undefined): { json: unknown; baseDir: string } {
  if (path === undefined) return { json: demo, baseDir: fileURLToPath(new URL("../examples/", import.meta.url)) };
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new TypeError(`Cannot read config ${file}: ${(error as Error).message}`);
  }
  try {
    return { json: JSON.parse(text), baseDir: dirname(file) };
  } catch (error) {
    throw new TypeError(`Invalid config: ${file} is not valid JSON: ${(error as Error).message}`);
  }
}
