import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ActorSystem, type Behavior, ChildStartError, supervisor, type SupervisorRef } from "../mod.ts";
import { osProcess, type OsProcessRef, ResourceLimitError } from "../osl/mod.ts";
import { fixture, freePort, groupMembers, isAlive, nextEvent, record, until } from "./_helpers.ts";

const sleeper = () => osProcess({ command: "sleep", args: ["60"] });

async function pidOf(sup: SupervisorRef, id: string): Promise<number> {
  const row = (await sup.whichChildren()).find((c) => c.id === id);
  assert.ok(row?.pid, `child ${id} has a pid`);
  return row.pid;
}

test("an OS child killed from outside with SIGKILL comes back with a new pid", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [{ id: "sleep", start: sleeper() }] }));
  const before = await pidOf(sup, "sleep");
  const restarted = nextEvent(system, "child_restarted");
  const exited = nextEvent(system, "child_exited");
  process.kill(before, "SIGKILL");
  assert.deepEqual((await exited).reason, { exitCode: null, signal: "SIGKILL" });
  const { pid } = await restarted;
  assert.ok(pid !== undefined && pid !== before && isAlive(pid));
  assert.equal(await pidOf(sup, "sleep"), pid);
  await system.shutdown();
  assert.equal(isAlive(pid), false);
});

test("exit code 0 is a normal exit: a transient process that exits 0 stays down", async () => {
  await using system = new ActorSystem();
  const events = record(system);
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [{ id: "job", start: osProcess({ command: "true" }), restart: "transient" }],
  }));
  const exited = await nextEvent(system, "child_exited");
  assert.equal(exited.reason, "normal");
  assert.equal((await sup.whichChildren())[0].status, "undefined");
  assert.equal(events.some((e) => e.type === "child_restarted"), false);
});

test("a non-zero exit code is abnormal: a transient process is restarted", async () => {
  await using system = new ActorSystem();
  system.spawn(supervisor({
    strategy: "one_for_one",
    intensity: 100,
    children: [{ id: "job", start: osProcess({ command: "sh", args: ["-c", "exit 3"] }), restart: "transient" }],
  }));
  const exited = await nextEvent(system, "child_exited");
  assert.deepEqual(exited.reason, { exitCode: 3, signal: null });
  await nextEvent(system, "child_restarted");
});

test("a listed success exit code counts as normal", async () => {
  await using system = new ActorSystem();
  const ref = system.spawn(osProcess({ command: "sh", args: ["-c", "exit 3"], successExitCodes: [0, 3] }));
  const exited = await nextEvent(system, "actor_exited", (e) => e.actor === ref.id);
  assert.equal(exited.reason, "normal");
});

test("a process that ignores SIGTERM is SIGKILLed after shutdown ms; brutal_kill sends no SIGTERM", async () => {
  await using system = new ActorSystem();
  const dir = mkdtempSync(join(tmpdir(), "airssys-"));
  try {
    const stubborn = (marker: string) =>
      osProcess({ command: fixture("ignore_term.sh"), env: { MARKER: join(dir, marker) } });
    const sup = system.spawn(supervisor({
      strategy: "one_for_one",
      children: [
        { id: "slow", start: stubborn("slow"), shutdown: 300 },
        { id: "brutal", start: stubborn("brutal"), shutdown: "brutal_kill" },
      ],
    }));
    const slow = await pidOf(sup, "slow");
    const brutal = await pidOf(sup, "brutal");
    const events = record(system);

    await sup.terminateChild("brutal");
    await until(() => !isAlive(brutal), "the brutal_kill child is dead", 2000);
    assert.equal(existsSync(join(dir, "brutal")), false, "brutal_kill sent no SIGTERM");

    const started = performance.now();
    await sup.terminateChild("slow");
    const waited = performance.now() - started;
    await until(() => !isAlive(slow), "the slow child is dead", 2000);
    await until(() => existsSync(join(dir, "slow")), "the slow child saw SIGTERM first", 2000);
    assert.ok(waited >= 290, `waited ${waited} ms for the 300 ms shutdown before killing`);
    const reasons = events.flatMap((e) => (e.type === "child_exited" ? [[e.childId, e.reason]] : []));
    assert.deepEqual(reasons, [["brutal", "killed"], ["slow", "killed"]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("stopping a process stops its whole process group, grandchildren included", async () => {
  await using system = new ActorSystem();
  const ref: OsProcessRef = system.spawn(osProcess({ command: fixture("forks.sh") }));
  await until(() => ref.pid !== undefined && groupMembers(ref.pid).length === 3, "the script and its two sleeps run");
  const pid = ref.pid!;
  await ref.stop("shutdown");
  await until(() => groupMembers(pid).length === 0, "no member of the group is alive", 2000);
});

test("a command that cannot be started fails the start with its cause", async () => {
  await using system = new ActorSystem();
  const exited = nextEvent(system, "actor_exited", (e) => e.name === "sup");
  system.spawn(
    supervisor({
      strategy: "one_for_one",
      children: [{ id: "ghost", start: osProcess({ command: "no-such-command-xyz" }) }],
    }),
    { name: "sup" },
  );
  const error = ((await exited).reason as { error: ChildStartError }).error;
  assert.ok(error instanceof ChildStartError);
  assert.equal(error.childId, "ghost");
  assert.match(String((error.cause as Error).message), /Cannot start 'no-such-command-xyz'.*ENOENT/);
});

test("a restart that cannot start the command counts against intensity and escalates", async () => {
  await using system = new ActorSystem();
  const dir = mkdtempSync(join(tmpdir(), "airssys-"));
  const script = join(dir, "vanishing.sh");
  try {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(script, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    const failures = record(system);
    const sup = system.spawn(supervisor({
      strategy: "one_for_one",
      intensity: 3,
      period: 60_000,
      children: [{ id: "flaky", start: osProcess({ command: script }) }],
    }));
    await nextEvent(system, "child_started");
    rmSync(script); // every restart from now on fails to spawn
    const shutdown = await nextEvent(system, "supervisor_shutdown", (e) => e.supervisor === sup.id);
    assert.equal(shutdown.reason, "reached_max_restart_intensity");
    const startFailures = failures.filter((e) => e.type === "child_start_failed");
    assert.ok(startFailures.length >= 1, "the failed restarts were reported with their cause");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("readiness: the next sibling starts only once the port accepts connections", async () => {
  await using system = new ActorSystem();
  const port = await freePort();
  let portOpenWhenSiblingStarted: boolean | undefined;
  const sibling: Behavior<undefined, never> = {
    init: () =>
      new Promise((resolve) => {
        const socket = connect({ port, host: "127.0.0.1" });
        socket.once("connect", () => (portOpenWhenSiblingStarted = true, socket.destroy(), resolve(undefined)));
        socket.once("error", () => (portOpenWhenSiblingStarted = false, resolve(undefined)));
      }),
    receive: (s) => s,
  };
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [
      {
        id: "server",
        start: osProcess({
          command: "node",
          args: [fixture("http_server.mjs")],
          env: { PORT: String(port), DELAY_MS: "400" },
          readiness: { tcpPort: port, timeoutMs: 10_000 },
        }),
      },
      { id: "client", start: sibling },
    ],
  }));
  const rows = await sup.whichChildren();
  assert.deepEqual(rows.map((r) => r.status), ["running", "running"]);
  assert.equal(portOpenWhenSiblingStarted, true);
});

test("readiness: a port that never opens fails the start after timeoutMs", async () => {
  await using system = new ActorSystem();
  const port = await freePort();
  const exited = nextEvent(system, "actor_exited", (e) => e.name === "sup");
  system.spawn(
    supervisor({
      strategy: "one_for_one",
      children: [{
        id: "mute",
        start: osProcess({ command: "sleep", args: ["60"], readiness: { tcpPort: port, timeoutMs: 300 } }),
      }],
    }),
    { name: "sup" },
  );
  const error = ((await exited).reason as { error: ChildStartError }).error;
  assert.match(String((error.cause as Error).message), /accepted no connection within 300 ms/);
});

test("samples appear in whichChildren and as process_sample events", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [{ id: "sleep", start: osProcess({ command: "sleep", args: ["60"], limits: { sampleIntervalMs: 50 } }) }],
  }));
  const pid = await pidOf(sup, "sleep");
  const { sample } = await nextEvent(system, "process_sample", (e) => e.pid === pid);
  assert.ok(sample.rssBytes > 0 && sample.cpuPercent >= 0);
  const row = (await sup.whichChildren())[0];
  assert.ok(row.sample !== undefined && row.sample.rssBytes > 0);
});

test("limits.maxRssBytes exceeded: the child is stopped with an abnormal reason and restarted", async () => {
  await using system = new ActorSystem();
  const maxRssBytes = 150 * 1024 * 1024;
  system.spawn(supervisor({
    strategy: "one_for_one",
    children: [{
      id: "leaky",
      start: osProcess({
        command: "node",
        args: [fixture("grow_memory.mjs")],
        limits: { maxRssBytes, sampleIntervalMs: 100 },
      }),
    }],
  }));
  const exited = await nextEvent(system, "child_exited");
  const error = (exited.reason as { error: ResourceLimitError }).error;
  assert.ok(error instanceof ResourceLimitError);
  assert.equal(error.limit, "maxRssBytes");
  assert.ok(error.measured > maxRssBytes);
  assert.equal(isAlive(exited.pid!), false);
  await nextEvent(system, "child_restarted");
});
