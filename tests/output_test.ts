import { test } from "node:test";
import assert from "node:assert/strict";
import type { SystemEvent } from "../mod.ts";
import { EventPaths, type PathedEvent, screen, wrap } from "../cli/_output.ts";

test("events get their child's path; a process's lines before its child_started wait for it, in order", () => {
  const seen: PathedEvent[] = [];
  const paths = new EventPaths("<1>", "root", (e) => seen.push(e));
  const log = (line: string): SystemEvent => ({ type: "log", actor: "<2>", pid: 42, stream: "stdout", line });
  paths.route(log("booting"));
  paths.route(log("ready"));
  assert.equal(seen.length, 0, "held: the path of <2> is not known yet");
  paths.route({ type: "child_started", supervisor: "<1>", childId: "web", actor: "<2>", childType: "worker", pid: 42 });
  assert.deepEqual(seen.map((e) => [e.type, e.path]), [["child_started", "root/web"], ["log", "root/web"], [
    "log",
    "root/web",
  ]]);
  assert.deepEqual(seen.slice(1).map((e) => (e as { line: string }).line), ["booting", "ready"]);
});

test("a nested supervisor's events wait for its own child_started", () => {
  const seen: PathedEvent[] = [];
  const paths = new EventPaths("<1>", "root", (e) => seen.push(e));
  paths.route({ type: "child_started", supervisor: "<3>", childId: "leaf", actor: "<4>", childType: "worker" });
  paths.route({ type: "child_started", supervisor: "<1>", childId: "inner", actor: "<3>", childType: "supervisor" });
  assert.deepEqual(seen.map((e) => e.path), ["root/inner", "root/inner/leaf"]);
});

test("the table's screen keeps events and logs in areas of their own; event lines wrap instead of being cut", () => {
  const events = [
    '12:00:00.000  child_exited  root/web  reason="error: the disk is full and the reason is long" pid=42',
  ];
  const logs = Array.from({ length: 30 }, (_, i) => `log line ${i}`);
  const lines = screen("root", "ID  STATUS\nweb running", events, logs, 40);
  const eventsAt = lines.indexOf("Events:");
  const logsAt = lines.indexOf("Logs:");
  assert.ok(eventsAt > 0 && logsAt > eventsAt);
  const shown = lines.slice(eventsAt + 1, logsAt - 1).join("");
  assert.ok(shown.replaceAll(/ {4}/g, "").includes("the reason is long"), "the whole reason is shown");
  assert.ok(lines.slice(logsAt + 1).length <= 10, "logs keep to their own area");
  assert.ok(lines.every((l) => l.length <= 40));
  assert.deepEqual(wrap("abcdefghij", 6), ["abcdef", "    gh", "    ij"]);
});
