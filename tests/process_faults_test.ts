import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { ActorSystem, type Behavior, supervisor } from "../mod.ts";
import { osProcess, type OsProcessRef, type OsProcessSpec } from "../osl/mod.ts";
import { isAlive, killAll, nextEvent, processesWith, until } from "./_helpers.ts";

// The process actor under faults: a start that fails or is stopped leaves no process, a
// stop never waits for a start, a dead child is reported at once, the environment is
// the spec's. Each case runs with both spawn adapters where they differ.

const ADAPTERS = ["execa", "native"] as const;

for (const spawn of ADAPTERS) {
  test(`no process without an actor (${spawn}): a start that fails after the spawn kills the tree before it is reported`, async () => {
    await using system = new ActorSystem();
    const marker = `airssys-noorphan-${spawn}-${process.pid}`;
    const failed = nextEvent(system, "child_start_failed");
    system.spawn(supervisor({
      strategy: "one_for_one",
      children: [{
        id: "never-ready",
        start: osProcess({
          command: "sh",
          args: ["-c", `sh -c 'sleep 60; true' ${marker}-kid & sleep 61; true`, marker],
          spawn,
          readiness: { logLine: "never", timeoutMs: 1000 },
        }),
      }],
    }));
    await until(() => processesWith(marker).length === 2, "the child and its own child run"); // before the 1 s readiness timeout
    await failed;
    assert.deepEqual(processesWith(marker), [], "nothing it started runs when the failure is reported");
  });

  test(`no process without an actor (${spawn}): an actor killed during its start leaves no process`, async () => {
    await using system = new ActorSystem();
    const marker = `airssys-killedinit-${spawn}-${process.pid}`;
    for (let i = 0; i < 20; i++) {
      const ref = system.spawn(
        osProcess({ command: "sh", args: ["-c", "sleep 60; true", marker], spawn, readiness: { logLine: "never" } }),
      );
      if (i % 2 === 1) await new Promise((resolve) => setTimeout(resolve, 5 * (i % 5))); // early and late in the start
      await ref.stop("killed");
    }
    await until(() => processesWith(marker).length === 0, "every process of a killed start is gone", 5000).finally(() =>
      killAll(marker)
    );
  });
}

test("stopping interrupts starting: shutdown() during a readiness wait stops the child within its shutdown ms", async () => {
  const system = new ActorSystem();
  const marker = `airssys-stopstart-${process.pid}`;
  const ref = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [{
      id: "slow",
      shutdown: 500,
      start: osProcess({
        command: "sh",
        args: ["-c", "sleep 60; true", marker],
        readiness: { logLine: "never", timeoutMs: 30_000 },
      }),
    }],
  }));
  await until(() => processesWith(marker).length === 1, "the child was spawned");
  const started = performance.now();
  await system.shutdown();
  assert.ok(performance.now() - started < 5000, `shutdown took ${(performance.now() - started).toFixed(0)} ms`);
  assert.equal(ref.alive, false);
  assert.deepEqual(processesWith(marker), []);
});

test("stopping interrupts starting: an actor init that never settles is killed after its shutdown ms", async () => {
  const system = new ActorSystem();
  const stuck: Behavior<undefined, never> = { init: () => new Promise(() => {}), receive: (s) => s };
  system.spawn(supervisor({ strategy: "one_for_one", children: [{ id: "stuck", shutdown: 300, start: stuck }] }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = performance.now();
  await system.shutdown();
  assert.ok(performance.now() - started < 5000, `shutdown took ${(performance.now() - started).toFixed(0)} ms`);
});

test("a dead child is reported at once with execa, even when a descendant that left its group holds its output pipes", async () => {
  await using system = new ActorSystem();
  const sleepMarker = `30.${process.pid}`; // the grandchild's own argv carries it
  const marker = `sleep ${sleepMarker}`;
  try {
    const exited = nextEvent(system, "child_exited");
    const sup = system.spawn(supervisor({
      strategy: "one_for_one",
      children: [{
        id: "leaver",
        restart: "temporary",
        start: osProcess({
          command: "sh",
          args: ["-c", `setsid sleep ${sleepMarker} & sleep 0.2; exit 3`],
          spawn: "execa",
        }),
      }],
    }));
    const [row] = await sup.whichChildren();
    const started = performance.now();
    assert.deepEqual((await exited).reason, { exitCode: 3, signal: null });
    assert.ok(performance.now() - started < 3000, `reported after ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal((row.ref as OsProcessRef).signal("SIGTERM"), false, "the dead child is not signalled");
  } finally {
    killAll(marker);
  }
});

test("an env value with a NUL byte is refused at validation, naming the variable", () => {
  assert.throws(
    () => osProcess({ command: "sh", env: { BAD: "a\0b" } }),
    (e) => e instanceof TypeError && / at env\.BAD: must be a string \(without NUL bytes\)/.test(e.message),
  );
  assert.throws(() => osProcess({ command: "sh", args: ["a\0"] }), / at args\[0\]: /);
});

test("inheritEnv: all by default, none with false, or only the listed names; env always wins", async () => {
  await using system = new ActorSystem();
  process.env.AIRSSYS_TEST_SECRET = "s3cret";
  process.env.AIRSSYS_TEST_OTHER = "other";
  try {
    const print = async (spec: Partial<OsProcessSpec>): Promise<string> => {
      const done = nextEvent(system, "actor_exited", (e) => e.actor === ref.id);
      const ref = system.spawn(osProcess({
        command: "/bin/sh",
        args: ["-c", 'echo "secret=$AIRSSYS_TEST_SECRET other=$AIRSSYS_TEST_OTHER mine=$MINE"'],
        ...spec,
      }));
      await done;
      return ref.logs().map((l) => l.line).join("\n");
    };
    assert.equal(await print({}), "secret=s3cret other=other mine=");
    assert.equal(await print({ inheritEnv: false, env: { MINE: "1" } }), "secret= other= mine=1");
    assert.equal(await print({ inheritEnv: ["AIRSSYS_TEST_OTHER"] }), "secret= other=other mine=");
    assert.equal(await print({ env: { AIRSSYS_TEST_SECRET: "override" } }), "secret=override other=other mine=");
  } finally {
    delete process.env.AIRSSYS_TEST_SECRET;
    delete process.env.AIRSSYS_TEST_OTHER;
  }
});

test("a process printed as it exits keeps its last lines: the drain after the exit is bounded, not cut short", async () => {
  await using system = new ActorSystem();
  const done = nextEvent(system, "actor_exited");
  const ref = system.spawn(osProcess({ command: "sh", args: ["-c", "for i in 1 2 3; do echo line $i; done"] }));
  await done;
  await until(() => ref.logs().length === 3, "the three lines are captured", 3000);
  assert.deepEqual(ref.logs().map((l) => l.line), ["line 1", "line 2", "line 3"]);
  assert.equal(isAlive(ref.pid!), false);
});
