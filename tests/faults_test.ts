import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { ActorSystem, type Behavior, supervisor, type SystemEvent } from "../mod.ts";
import { chaos, chaosPlan, crash, kill, osProcess, type OsProcessRef, pause, resume } from "../osl/mod.ts";
import { procEntry, procTable } from "../osl/_proc.ts";
import { isAlive, nextEvent, until } from "./_helpers.ts";

/**
 * RSS after a full collection where the runtime offers one (Bun.gc; Deno with
 * --expose-gc), and a second later, once the allocator has returned freed pages.
 */
async function collectedRss(): Promise<number> {
  const g = globalThis as { Bun?: { gc(full: boolean): void }; gc?: () => void };
  for (let i = 0; i < 2; i++) {
    g.Bun?.gc(true);
    g.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return process.memoryUsage().rss;
}

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
  assert.throws(() => chaosPlan({ ratePerSecond: 0, durationMs: 1 }), /'ratePerSecond' must be positive: current value is 0/);
});

test("chaos: 50 OS children, 1000 seeded SIGKILLs over 20 s, every kill answered by a restart, nothing left behind", { timeout: 120_000 }, async () => {
  const system = new ActorSystem();
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    intensity: 100_000,
    period: 1000,
    children: Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, start: osProcess({ command: "sleep", args: ["600"], stdout: "ignore", stderr: "ignore" }) })),
  }));
  const pids = new Set((await sup.whichChildren()).map((c) => c.pid!));
  const targets = async () => (await sup.whichChildren()).flatMap((c) => (c.ref ? [c.ref] : []));
  // Warm-up (250 kills): the runtime's RSS settles during the first restarts (JIT, allocator
  // pools; measured flat from then on), so "before" is taken after it.
  const warmUp = await chaos(system, { targets, ratePerSecond: 50, durationMs: 5000, seed: 1, settleMs: 500 });
  for (const e of warmUp.events) if (e.type === "child_restarted" && e.pid !== undefined) pids.add(e.pid);
  const rssBefore = await collectedRss();
  const report = await chaos(system, {
    targets,
    ratePerSecond: 50,
    durationMs: 20_000,
    seed: 42,
    settleMs: 2000,
  });
  assert.deepEqual(report.injected.map(({ atMs, targetIndex, fault }) => ({ atMs, targetIndex, fault })), chaosPlan({ ratePerSecond: 50, durationMs: 20_000, seed: 42 }));
  assert.equal(report.injected.length, 1000);
  const done = report.injected.filter((f) => f.skipped === undefined);
  assert.ok(done.length >= 950, `${done.length} of 1000 kills hit a running process (others: ${JSON.stringify(report.injected.filter((f) => f.skipped).map((f) => f.skipped))})`);
  // Every kill: its process exited by SIGKILL, and its child was restarted after that.
  const exits = new Map<number, Extract<SystemEvent, { type: "child_exited" }>>();
  for (const e of report.events) if (e.type === "child_exited" && e.pid !== undefined) exits.set(e.pid, e);
  for (const fault of done) {
    const exit = exits.get(fault.pid!);
    assert.ok(exit, `the kill of pid ${fault.pid} has its child_exited event`);
    assert.deepEqual(exit.reason, { exitCode: null, signal: "SIGKILL" });
    const at = report.events.indexOf(exit);
    assert.ok(report.events.slice(at).some((e) => e.type === "child_restarted" && e.childId === exit.childId), `${exit.childId} restarted after pid ${fault.pid}`);
  }
  assert.equal(report.events.filter((e) => e.type === "supervisor_shutdown").length, 0, "no escalation at this intensity");
  for (const e of report.events) if (e.type === "child_restarted" && e.pid !== undefined) pids.add(e.pid);
  const rows = await sup.whichChildren();
  assert.ok(rows.every((c) => c.status === "running"), "all 50 run again");
  const rssAfter = await collectedRss();
  // No growth: at most 10% above (a collection of start-up garbage may leave it lower).
  assert.ok(rssAfter <= rssBefore * 1.1, `RSS ${(rssBefore / 2 ** 20).toFixed(1)} MB before, ${(rssAfter / 2 ** 20).toFixed(1)} MB after`);
  await system.shutdown();
  assert.deepEqual([...pids].filter(isAlive), [], "no child survives");
  const zombies = procTable().filter((p) => p.ppid === process.pid && p.state === "Z");
  assert.deepEqual(zombies, [], "no zombie of ours");
});
