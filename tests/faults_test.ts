import { test } from "node:test";
import assert from "node:assert/strict";
import { execa } from "execa";
import { ActorSystem, type Behavior, supervisor } from "../mod.ts";
import { chaosPlan, crash, kill, osProcess, type OsProcessRef, pause, resume } from "../osl/mod.ts";
import { procEntry } from "../osl/_proc.ts";
import { runtimeInfo } from "../osl/internal.ts";
import { fixture, nextEvent, runScript, until } from "./_helpers.ts";

test("kill, pause, resume and crash inject one fault each; the supervisor answers as usual", async () => {
  await using system = new ActorSystem();
  const idle: Behavior<undefined, never> = { receive: (s) => s };
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    intensity: 5,
    children: [{ id: "proc", start: osProcess({ command: "sleep", args: ["60"] }) }, { id: "actor", start: idle }],
  }));
  const [proc, actor] = await sup.whichChildren();
  const ref = proc.ref as OsProcessRef;
  assert.equal(pause(ref), true);
  await until(() => procEntry(proc.pid!)?.state === "T", "paused");
  assert.equal(resume(ref), true);
  await until(() => procEntry(proc.pid!)?.state === "S", "running again");
  const killed = nextEvent(system, "child_exited", (e) => e.childId === "proc");
  assert.equal(kill(ref), true);
  assert.deepEqual((await killed).reason, { exitCode: null, signal: "SIGKILL" });
  assert.equal(kill(ref), false, "a ref whose process is gone signals nothing");
  const crashed = nextEvent(system, "child_exited", (e) => e.childId === "actor");
  await crash(actor.ref!, new Error("injected"));
  assert.equal(((await crashed).reason as { error: Error }).error.message, "injected");
  await nextEvent(system, "child_restarted", (e) => e.childId === "actor");
});

test("chaosPlan: the same seed gives the same schedule, another seed another one", () => {
  const options = { ratePerSecond: 10, durationMs: 2000, faults: ["kill", "pause", "crash"] as const };
  const a = chaosPlan({ ...options, seed: 7 });
  assert.equal(a.length, 20);
  assert.deepEqual(chaosPlan({ ...options, seed: 7 }), a);
  assert.notDeepEqual(chaosPlan({ ...options, seed: 8 }), a);
  assert.deepEqual(a.map((f) => f.atMs), Array.from({ length: 20 }, (_, i) => i * 100));
  assert.throws(
    () => chaosPlan({ ratePerSecond: 0, durationMs: 1 }),
    /Invalid chaos options at ratePerSecond: must be a positive number \(got 0\)/,
  );
});

test("chaos: 50 OS children, 1000 seeded SIGKILLs over 20 s, every kill answered by a restart, nothing left behind", {
  timeout: 120_000,
}, async () => {
  // The scenario runs in a runtime of its own (tests/fixtures/chaos_runtime.ts), so the RSS it
  // measures is the scenario's alone, not that of every test before it.
  const [command, ...args] = runScript(fixture("chaos_runtime.ts"), [], ["--v8-flags=--expose-gc"]);
  const { stdout } = await execa(command, args, { stderr: "inherit", timeout: 100_000 });
  const r = JSON.parse(stdout.trim().split("\n").at(-1)!);
  assert.equal(r.injected, 1000);
  assert.equal(r.replayed, true, "the schedule is chaosPlan's for seed 42");
  assert.ok(r.done >= 950, `${r.done} of 1000 kills hit a running process (others: ${JSON.stringify(r.skipped)})`);
  assert.deepEqual(r.unaccounted, [], "every kill has its child_exited (SIGKILL) and a later child_restarted");
  assert.equal(r.escalations, 0, "no escalation at this intensity");
  assert.equal(r.running, 50, "all 50 run again");
  // A leak grows with the restarts; GC noise does not. Both heaps are read after forced full
  // collections, and the growth over 1000 restarts may not pass 2 KiB per restart (a leaked
  // actor, ref or event per restart would) nor 10% of the heap, whichever is larger: an
  // absolute floor, so a 1 MB wobble of a 11 MB heap is not a leak. RSS is bounded on Bun
  // only: Deno's grows outside the JS heap with each spawn (BENCHMARKING.md).
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
  const seen = `heap ${mb(r.before.heapUsed)} -> ${mb(r.after.heapUsed)}, RSS ${mb(r.before.rss)} -> ${
    mb(r.after.rss)
  }`;
  const allowed = Math.max(1000 * 2048, r.before.heapUsed * 0.1);
  assert.ok(r.after.heapUsed - r.before.heapUsed <= allowed, seen);
  if (runtimeInfo().name === "bun") assert.ok(r.after.rss <= r.before.rss * 1.1 + 8 * 2 ** 20, seen);
  assert.deepEqual(r.alive, [], "no child survives");
  assert.equal(r.zombies, 0, "no zombie of ours");
});
