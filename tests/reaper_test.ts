import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { createInterface } from "node:readline";
import { ActorSystem } from "../mod.ts";
import { osProcess } from "../osl/mod.ts";
import { procEntry, procTable, procTree } from "../osl/_proc.ts";
import { killGroup } from "../osl/_group.ts";
import { fixture, isAlive, runScript, until } from "./_helpers.ts";

test(
  "a SIGKILLed runtime leaves nothing behind: within 2 s every descendant is gone",
  { timeout: 30_000 },
  async () => {
    const [command, ...args] = runScript(fixture("tree_runtime.ts"), []);
    const runtime = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
    const lines = createInterface({ input: runtime.stdout! });
    const [ready] = await Promise.race([
      new Promise<string[]>((resolve) => lines.once("line", (line) => resolve([line]))),
      new Promise<never>((_, reject) => runtime.once("exit", (code) => reject(new Error(`fixture exited ${code}`)))),
    ]);
    assert.match(ready, /^ready /);
    // Direct children: the reaper, sleep a, forks.sh, escapes.sh, sleeps b and c; grandchildren:
    // forks.sh's two sleeps and the sleep that escapes.sh started in a session of its own.
    const tree = () => procTree([runtime.pid!], procTable()).filter((e) => e.pid !== runtime.pid);
    const escaped = () => tree().filter((e) => e.ppid !== runtime.pid && e.pgid === e.pid);
    await until(() => tree().length >= 9 && escaped().length === 1, "the whole tree runs");
    const pids = tree().map((e) => e.pid);
    process.kill(runtime.pid!, "SIGKILL");
    const start = performance.now();
    await until(() => pids.every((pid) => !isAlive(pid)), "every descendant is gone", 2_000);
    assert.ok(performance.now() - start <= 2_000);
  },
);

test("a stale ref never signals a process that is not the child it started (pid plus start time)", async () => {
  await using system = new ActorSystem();
  const ref = system.spawn(osProcess({ command: "sleep", args: ["60"] }));
  await until(() => ref.pid !== undefined && isAlive(ref.pid), "the child runs");
  const pid = ref.pid!;
  const startTime = procEntry(pid)!.startTime;
  // The same pid with another start time is another process: nothing is sent.
  assert.equal(killGroup(pid, "SIGKILL", startTime + 1), false);
  assert.equal(isAlive(pid), true);
  assert.equal(ref.signal("SIGSTOP"), true, "the ref's own identity matches");
  await until(() => procEntry(pid)?.state === "T", "the child is stopped");
  await ref.stop("shutdown"); // SIGTERM, then SIGCONT so that a stopped child acts on it
  assert.equal(isAlive(pid), false);
  assert.equal(ref.signal("SIGKILL"), false, "a ref whose process is gone signals nothing");
});
