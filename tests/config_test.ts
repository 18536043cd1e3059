import { test } from "node:test";
import assert from "node:assert/strict";
import { configJsonSchema, parseConfig } from "../cli/config.ts";

test("parseConfig names the JSON path of each kind of bad field", () => {
  const bad = (json: unknown) => {
    try {
      parseConfig(json, "/tmp");
    } catch (error) {
      assert.ok(error instanceof TypeError || error instanceof RangeError);
      return /^Invalid config at (\S+): /.exec(error.message)?.[1];
    }
    assert.fail("config was accepted");
  };
  assert.equal(bad({ children: [{ id: "x", comand: "sleep" }] }), "$.children[0].comand");
  assert.equal(bad({ children: [{ id: "x" }] }), "$.children[0].command");
  assert.equal(bad({ children: [{ id: "x", command: "a" }, { id: "x", command: "b" }] }), "$.children[1].id");
  assert.equal(bad({ strategy: "all_for_one", children: [] }), "$.strategy");
  assert.equal(
    bad({ children: [{ id: "n", children: [{ id: "p", command: "a", readiness: { tcpPort: 70000 } }] }] }),
    "$.children[0].children[0].readiness.tcpPort",
  );
  assert.equal(
    bad({ children: [{ id: "p", command: "a", limits: { maxRssBytes: -1 } }] }),
    "$.children[0].limits.maxRssBytes",
  );
  assert.equal(bad({ children: [{ id: "p", command: "a", shutdown: "soon" }] }), "$.children[0].shutdown");
  assert.equal(bad({ intensity: 1.5, children: [] }), "$.intensity");
  const p = (fields: object) => ({ children: [{ id: "p", command: "a", ...fields }] });
  assert.equal(bad(p({ readiness: { tcpPort: 80, logLine: "up" } })), "$.children[0].readiness");
  assert.equal(bad(p({ readiness: { httpUrl: "ftp://x" } })), "$.children[0].readiness.httpUrl");
  assert.equal(bad(p({ liveness: { logLine: "up" } })), "$.children[0].liveness.logLine");
  assert.equal(bad(p({ liveness: { tcpPort: 80, failureThreshold: 0 } })), "$.children[0].liveness.failureThreshold");
  assert.equal(bad(p({ limits: { forSamples: 1.5 } })), "$.children[0].limits.forSamples");
  assert.equal(bad(p({ limits: { tree: "yes" } })), "$.children[0].limits.tree");
  assert.equal(bad(p({ logs: { maxBytes: 0 } })), "$.children[0].logs.maxBytes");
  assert.equal(bad(p({ spawn: "fork" })), "$.children[0].spawn");
});

test("parseConfig accepts the OS layer's fields: probes, liveness, limits with hysteresis, logs, spawn", () => {
  const { root } = parseConfig({
    children: [{
      id: "web",
      command: "node",
      readiness: { logLine: "listening", timeoutMs: 5000 },
      liveness: { httpUrl: "http://127.0.0.1:8080/health", intervalMs: 1000, failureThreshold: 3 },
      limits: { maxRssBytes: 1e8, forSamples: 3, tree: true },
      logs: { lines: 200, file: "web.log", maxBytes: 1048576, maxFiles: 2 },
      stdout: "capture",
      spawn: "native",
    }],
  }, "/tmp");
  assert.equal(typeof root.instantiate, "function");
});

test("the embedded default config (examples/demo.json) is valid", async () => {
  const demo = (await import("../examples/demo.json", { with: { type: "json" } })).default;
  assert.equal(parseConfig(demo, "/tmp").id, "demo");
});

test("config refusals are TypeError or RangeError in the one format, with the value", () => {
  assert.throws(
    () => parseConfig({ children: [{ id: "p", command: "a", shutdown: -5 }] }, "/tmp"),
    (e) =>
      e instanceof RangeError &&
      e.message ===
        'Invalid config at $.children[0].shutdown: must be a non-negative number, "brutal_kill" or "infinity" (got -5)',
  );
  assert.throws(
    () => parseConfig({ children: [{ id: "p", command: "a", env: { A: 1 } }] }, "/tmp"),
    (e) => e instanceof TypeError && e.message === "Invalid config at $.children[0].env.A: must be a string (got 1)",
  );
  assert.throws(
    () => parseConfig({ children: [{ id: "p", command: "a", stopSignal: "SIGNOPE" }] }, "/tmp"),
    / at \$\.children\[0\]\.stopSignal: must be a signal name/,
  );
  assert.throws(
    () => parseConfig({ children: [{ id: "p", command: "a", successExitCodes: [0, 300] }] }, "/tmp"),
    / at \$\.children\[0\]\.successExitCodes\[1\]: /,
  );
  assert.throws(
    () => parseConfig({ children: [{ id: "p", command: "a", readiness: { tcpPort: 80, host: "" } }] }, "/tmp"),
    / at \$\.children\[0\]\.readiness\.host: /,
  );
  assert.throws(
    () => parseConfig({ children: [{ id: "p", command: "a", readiness: { tcpPort: 80, timeoutMs: -1 } }] }, "/tmp"),
    / at \$\.children\[0\]\.readiness\.timeoutMs: /,
  );
  assert.throws(() => parseConfig({ restart: "always", children: [] }, "/tmp"), / at \$\.restart: /);
  assert.throws(() => parseConfig({ shutdown: -1, children: [] }, "/tmp"), / at \$\.shutdown: /);
});

test("the config's JSON Schema is generated from the same definitions: nodes, probes, enums", () => {
  const schema = configJsonSchema() as {
    $schema: string;
    properties: Record<string, { enum?: string[] }>;
    $defs: { process: { properties: Record<string, unknown>; additionalProperties: boolean }; supervisor: object };
  };
  assert.match(schema.$schema, /json-schema\.org/);
  assert.deepEqual(schema.properties.restart.enum, ["permanent", "transient", "temporary"]);
  const process = schema.$defs.process;
  assert.equal(process.additionalProperties, false, "unknown fields are refused");
  for (const field of ["command", "args", "env", "stopSignal", "readiness", "liveness", "limits", "logs", "spawn"]) {
    assert.ok(field in process.properties, field);
  }
  assert.ok(JSON.stringify(process.properties.readiness).includes("tcpPort"));
  assert.ok("supervisor" in schema.$defs);
});
