import { test } from "node:test";
import assert from "node:assert/strict";
import { type ExitReason, formatExitReason, isNormalExit } from "../mod.ts";

test("normal, shutdown and { shutdown } are normal exits; every other reason is abnormal (OTP)", () => {
  const normal: ExitReason[] = ["normal", "shutdown", { shutdown: "maintenance" }];
  const abnormal: ExitReason[] = [
    "killed",
    "noproc",
    "noconnection",
    { error: new Error("boom") },
    { exitCode: 1, signal: null },
    { exitCode: null, signal: "SIGKILL" },
  ];
  for (const reason of normal) assert.equal(isNormalExit(reason), true, JSON.stringify(reason));
  for (const reason of abnormal) assert.equal(isNormalExit(reason), false, JSON.stringify(reason));
});

test("formatExitReason gives one line for each kind of reason", () => {
  assert.equal(formatExitReason("killed"), "killed");
  assert.equal(formatExitReason({ error: new Error("boom") }), "error: boom");
  assert.equal(formatExitReason({ error: "plain" }), "error: plain");
  assert.equal(formatExitReason({ shutdown: "maintenance" }), "shutdown: maintenance");
  assert.equal(formatExitReason({ exitCode: 3, signal: null }), "exit code 3");
  assert.equal(formatExitReason({ exitCode: null, signal: "SIGTERM" }), "signal SIGTERM");
});
