// Behaviours of OTP's supervisor_SUITE (lib/stdlib/test/supervisor_SUITE.erl) not covered
// by supervisor_test.ts; each test names the OTP case it mirrors.
import { test } from "node:test";
import process from "node:process";
import assert from "node:assert/strict";
import {
  ActorSystem,
  type Behavior,
  type ExitSignal,
  IGNORE,
  ManualClock,
  supervisor,
  type SupervisorError,
  type SupervisorRef,
} from "../../mod.ts";
import { osProcess } from "../../osl/mod.ts";
import { nextEvent, record } from "../_helpers.ts";

const idle: Behavior<undefined, never> = { receive: (s) => s };
const crashOn: Behavior<undefined, "boom" | "stop"> = {
  receive(s, m, ctx) {
    if (m === "boom") throw new Error("boom");
    ctx.stop();
    return s;
  },
};

async function refOf(sup: SupervisorRef, id: string) {
  const row = (await sup.whichChildren()).find((c) => c.id === id);
  assert.ok(row?.ref, `${id} runs`);
  return row.ref;
}

for (const strategy of ["one_for_all", "rest_for_one"] as const) {
  // OTP: one_for_all_other_child_fails_restart / rest_for_one_other_child_fails_restart
  test(`${strategy}: a sibling whose restart fails is retried, each try counted, until the group runs`, async () => {
    await using system = new ActorSystem();
    let failuresLeft = 0;
    const flaky: Behavior<undefined, never> = {
      init() {
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error("not yet");
        }
      },
      receive: (s) => s,
    };
    const sup = system.spawn(supervisor({
      strategy,
      intensity: 10,
      period: 60_000,
      children: [{ id: "a", start: crashOn }, { id: "b", start: flaky }],
    }));
    await sup.whichChildren(); // both started
    const events = record(system);
    failuresLeft = 2;
    const bBack = nextEvent(system, "child_restarted", (e) => e.childId === "b");
    (await refOf(sup, "a")).send("boom");
    await bBack;
    assert.equal(events.filter((e) => e.type === "child_start_failed").length, 2);
    assert.deepEqual((await sup.whichChildren()).map((c) => c.status), ["running", "running"]);
  });
}

// OTP: hanging_restart_loop (a child that can never start must not block shutdown)
test("a supervisor caught in a restart loop can still be shut down", async () => {
  await using system = new ActorSystem();
  let starts = 0;
  const doomed: Behavior<undefined, "boom"> = {
    init() {
      if (++starts > 1) throw new Error("cannot start again");
    },
    receive() {
      throw new Error("boom");
    },
  };
  const sup = system.spawn(
    supervisor({ strategy: "one_for_one", intensity: 1e9, period: 1, children: [{ id: "d", start: doomed }] }),
  );
  const looping = nextEvent(system, "child_start_failed");
  (await refOf(sup, "d")).send("boom");
  await looping;
  await sup.stop("shutdown");
  assert.equal(sup.alive, false);
});

// OTP: trapping exits does not save a process from exit(Pid, kill)
test("killed cannot be trapped and runs no terminate", async () => {
  await using system = new ActorSystem();
  const seen: unknown[] = [];
  const ref = system.spawn<ExitSignal>({
    init: (ctx) => void (ctx.trapExits = true),
    receive: (s, m) => (seen.push(m), s),
    terminate: () => void seen.push("terminate"),
  });
  const exited = nextEvent(system, "actor_exited", (e) => e.actor === ref.id);
  await ref.stop("killed");
  assert.equal((await exited).reason, "killed");
  assert.deepEqual(seen, []);
});

// OTP: significant_escalation (auto_shutdown cascades up through significant supervisors only)
for (const innerSignificant of [true, false]) {
  test(`auto_shutdown ${innerSignificant ? "cascades up through" : "stops at"} a ${innerSignificant ? "" : "non-"}significant sub-supervisor`, async () => {
    await using system = new ActorSystem();
    const inner = supervisor({
      strategy: "one_for_one",
      autoShutdown: "any_significant",
      children: [{ id: "job", start: crashOn, restart: "transient", significant: true }],
    });
    const outer = system.spawn(supervisor({
      strategy: "one_for_one",
      autoShutdown: "any_significant",
      children: [
        { id: "inner", start: inner, restart: "transient", significant: innerSignificant },
        { id: "other", start: idle },
      ],
    }));
    const innerRef = (await refOf(outer, "inner")) as SupervisorRef;
    const innerDown = nextEvent(system, "actor_exited", (e) => e.actor === innerRef.id);
    const outerDown = nextEvent(system, "actor_exited", (e) => e.actor === outer.id);
    (await refOf(innerRef, "job")).send("stop"); // its own, normal exit
    assert.equal((await innerDown).reason, "shutdown");
    if (innerSignificant) assert.equal((await outerDown).reason, "shutdown");
    else {
      await outer.whichChildren(); // the outer supervisor has handled the exit
      assert.equal(outer.alive, true);
      outerDown.catch(() => {});
    }
  });
}

// OTP: significant_bystander (a significant child stopped by its supervisor triggers nothing)
test("a significant child stopped as a one_for_all bystander does not trigger auto_shutdown", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({
    strategy: "one_for_all",
    autoShutdown: "any_significant",
    intensity: 5,
    children: [
      { id: "crashy", start: crashOn },
      { id: "job", start: idle, restart: "transient", significant: true },
    ],
  }));
  const restarted = nextEvent(system, "child_restarted", (e) => e.childId === "job");
  (await refOf(sup, "crashy")).send("boom");
  await restarted;
  assert.equal(sup.alive, true);
});

// OTP: the same restart behaviour with ports/processes: one_for_all over OS children
test("one_for_all over OS processes: killing one restarts every process with new pids", async () => {
  await using system = new ActorSystem();
  const sleeper = osProcess({ command: "sleep", args: ["60"] });
  const sup = system.spawn(supervisor({
    strategy: "one_for_all",
    children: [{ id: "p1", start: sleeper }, { id: "p2", start: sleeper }],
  }));
  const before = (await sup.whichChildren()).map((c) => c.pid!);
  const second = nextEvent(system, "child_restarted", (e) => e.childId === "p2");
  process.kill(before[0], "SIGKILL");
  await second;
  const after = (await sup.whichChildren()).map((c) => c.pid!);
  assert.ok(after.every((pid, i) => pid !== before[i]), `new pids ${after} vs ${before}`);
});

// OTP: temporary_abnormal / permanent escalation with OS children
test("an OS process crashing past intensity escalates its supervisor with shutdown", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    intensity: 2,
    period: 60_000,
    children: [{ id: "crashy", start: osProcess({ command: "sh", args: ["-c", "exit 7"] }) }],
  }));
  const exited = nextEvent(system, "actor_exited", (e) => e.actor === sup.id);
  assert.equal((await exited).reason, "shutdown");
});

const ignoring: Behavior<undefined, never> = { init: () => IGNORE, receive: (s) => s };

// OTP: sup_start_ignore_child / sup_start_ignore_permanent_child
test("a child whose init returns IGNORE is kept as a spec with no actor, and can be restarted", async () => {
  await using system = new ActorSystem();
  const events = record(system);
  let ignore = true;
  const maybe: Behavior<undefined, never> = { init: () => (ignore ? IGNORE : undefined), receive: (s) => s };
  const sup = system.spawn(
    supervisor({ strategy: "one_for_one", children: [{ id: "i", start: maybe }, { id: "idle", start: idle }] }),
  );
  const rows = await sup.whichChildren();
  assert.deepEqual(rows.map((r) => [r.id, r.status, r.ref]), [["i", "undefined", undefined], [
    "idle",
    "running",
    rows[1].ref,
  ]]);
  assert.deepEqual(await sup.countChildren(), { specs: 2, active: 1, supervisors: 0, workers: 2 });
  assert.deepEqual(
    events.filter((e) => e.type === "child_started").map((e) => e.type === "child_started" && e.childId),
    ["idle"],
  );
  assert.equal(await sup.startChild({ id: "j", start: ignoring }), undefined);
  ignore = false;
  const ref = await sup.restartChild("i");
  assert.equal(ref.alive, true);
});

// OTP: sup_start_ignore_temporary_child
test("a temporary child that ignores its start is not kept", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(
    supervisor({ strategy: "one_for_one", children: [{ id: "t", start: ignoring, restart: "temporary" }] }),
  );
  assert.deepEqual(await sup.whichChildren(), []);
});

// OTP: permanent / transient / temporary x shutdown exit
for (const [restart, restarted] of [["permanent", true], ["transient", false], ["temporary", false]] as const) {
  test(`a ${restart} child that exits with { shutdown } is ${restarted ? "" : "not "}restarted`, async () => {
    await using system = new ActorSystem();
    const events = record(system);
    const quitter: Behavior<undefined, "quit"> = { receive: (s, _m, ctx) => (ctx.stop({ shutdown: "done" }), s) };
    const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [{ id: "q", start: quitter, restart }] }));
    const exited = nextEvent(system, "child_exited");
    (await refOf(sup, "q")).send("quit");
    assert.deepEqual((await exited).reason, { shutdown: "done" });
    await sup.whichChildren();
    assert.equal(events.some((e) => e.type === "child_restarted"), restarted);
  });
}

// OTP: temporary_bystander
for (const exit of ["normal", "abnormal"] as const) {
  test(`one_for_all: a temporary sibling stopped after a ${exit} exit is not restarted and is forgotten`, async () => {
    await using system = new ActorSystem();
    const events = record(system);
    const sup = system.spawn(supervisor({
      strategy: "one_for_all",
      intensity: 1,
      children: [{ id: "c1", start: crashOn }, { id: "c2", start: idle, restart: "temporary" }],
    }));
    const c2 = await refOf(sup, "c2");
    const restarted = nextEvent(system, "child_restarted", (e) => e.childId === "c1");
    (await refOf(sup, "c1")).send(exit === "normal" ? "stop" : "boom");
    await restarted;
    assert.equal(c2.alive, false);
    assert.deepEqual((await sup.whichChildren()).map((c) => c.id), ["c1"]);
    assert.deepEqual(await sup.countChildren(), { specs: 1, active: 1, supervisors: 0, workers: 1 });
    assert.deepEqual(
      events.filter((e) => e.type === "child_restarted").length,
      1,
      "only c1 restarts, one restart counted",
    );
  });
}

/** A worker whose terminate runs until `release` is called (a daemon slow to stop). */
function slowToStop(log: string[]) {
  const { promise, resolve } = Promise.withResolvers<void>();
  const behavior: Behavior<undefined, never> = {
    receive: (s) => s,
    terminate: () => (log.push("terminating"), promise),
  };
  return { behavior, release: resolve };
}

// OTP: sup_stop_infinity (static and dynamic children)
for (const strategy of ["one_for_one", "simple_one_for_one"] as const) {
  test(`${strategy}: shutdown infinity waits for the child however long it takes`, async () => {
    const clock = new ManualClock();
    await using system = new ActorSystem({ clock });
    const log: string[] = [];
    const { behavior, release } = slowToStop(log);
    const sup = system.spawn(
      supervisor({
        strategy,
        children: [{
          id: "w",
          start: strategy === "simple_one_for_one" ? () => behavior : behavior,
          shutdown: "infinity",
        }],
      }),
    );
    if (strategy === "simple_one_for_one") await sup.startChild([]);
    const [row] = await sup.whichChildren();
    const exited = nextEvent(system, "child_exited");
    const stopping = sup.stop("shutdown");
    await clock.advance(3_600_000); // an hour of virtual time: no kill
    assert.deepEqual(log, ["terminating"]);
    assert.equal(row.ref!.alive, true);
    release();
    await stopping;
    assert.equal((await exited).reason, "shutdown");
  });
}

// OTP: sup_stop_timeout_dynamic / sup_stop_brutal_kill_dynamic
for (const shutdown of [1000, "brutal_kill"] as const) {
  test(`simple_one_for_one: dynamic children with shutdown ${shutdown} are ${shutdown === "brutal_kill" ? "killed at once" : "killed after that many ms"}`, async () => {
    const clock = new ManualClock();
    await using system = new ActorSystem({ clock });
    const log: string[] = [];
    const sup = system.spawn(supervisor({
      strategy: "simple_one_for_one",
      children: [{ id: "w", start: () => slowToStop(log).behavior, shutdown }],
    }));
    const children = [await sup.startChild([]), await sup.startChild([])];
    const reasons = children.map((ref) => nextEvent(system, "actor_exited", (e) => e.actor === ref.id));
    const stopping = sup.stop("shutdown");
    if (shutdown !== "brutal_kill") {
      await clock.advance(999);
      assert.ok(children.every((ref) => ref.alive), "still given time to stop");
      assert.deepEqual(log, ["terminating", "terminating"]);
      await clock.advance(1);
    }
    await stopping;
    assert.deepEqual(await Promise.all(reasons.map(async (r) => (await r).reason)), ["killed", "killed"]);
    assert.deepEqual(log, shutdown === "brutal_kill" ? [] : ["terminating", "terminating"]);
  });
}

/** A child whose start fails while `failing.now` is set; restarts wait `backoff` ms of virtual time. */
function flakyStart(failing: { now: boolean }): Behavior<undefined, "boom"> {
  return {
    init() {
      if (failing.now) throw new Error("cannot start now");
    },
    receive() {
      throw new Error("boom");
    },
  };
}
const backoff = { initialMs: 1000, maxMs: 1000 };

/** Crashes `ref` and waits until its restart has failed once (the child is then "restarting"). */
async function intoRestartLoop(system: ActorSystem, ref: { send(m: "boom"): void; id: string }, clock: ManualClock) {
  const exited = nextEvent(system, "child_exited", (e) => e.actor === ref.id);
  const failed = nextEvent(system, "child_start_failed");
  ref.send("boom");
  await exited;
  await clock.advance(1000);
  await failed;
}

// OTP: hanging_restart_loop (the API while a child is caught restarting)
test("a child caught restarting: already_present, restarting, counted but not active; terminateChild ends the loop", async () => {
  const clock = new ManualClock();
  await using system = new ActorSystem({ clock });
  const failing = { now: false };
  const spec = { id: "c", start: flakyStart(failing), backoff };
  const sup = system.spawn(supervisor({ strategy: "one_for_one", intensity: 8, period: 10_000, children: [spec] }));
  const first = await refOf(sup, "c");
  failing.now = true;
  await intoRestartLoop(system, first, clock);
  const reason = (p: Promise<unknown>) => p.then(() => "ok", (e: SupervisorError) => e.reason);
  assert.equal(await reason(sup.startChild(spec)), "already_present");
  assert.equal(await reason(sup.restartChild("c")), "restarting");
  assert.equal(await reason(sup.deleteChild("c")), "restarting");
  assert.deepEqual((await sup.whichChildren()).map((c) => [c.id, c.ref, c.status]), [["c", undefined, "restarting"]]);
  assert.deepEqual(await sup.countChildren(), { specs: 1, active: 0, supervisors: 0, workers: 1 });
  await sup.terminateChild("c");
  failing.now = false;
  const events = record(system);
  await clock.advance(5000); // the pending retry is dropped
  assert.deepEqual((await sup.whichChildren()).map((c) => c.status), ["undefined"]);
  assert.deepEqual(events.filter((e) => e.type === "child_restarted"), []);
  assert.equal((await sup.restartChild("c")).alive, true);
});

// OTP: count_restarting_children (simple_one_for_one)
test("simple_one_for_one: count_children counts restarting children as workers, not active", async () => {
  const clock = new ManualClock();
  await using system = new ActorSystem({ clock });
  const failing = { now: false };
  const sup = system.spawn(supervisor({
    strategy: "simple_one_for_one",
    intensity: 20,
    period: 10_000,
    children: [{ id: "c", start: () => flakyStart(failing), backoff, shutdown: "brutal_kill" }],
  }));
  assert.deepEqual(await sup.countChildren(), { specs: 1, active: 0, supervisors: 0, workers: 0 });
  const refs = [await sup.startChild([]), await sup.startChild([]), await sup.startChild([])];
  assert.deepEqual(await sup.countChildren(), { specs: 1, active: 3, supervisors: 0, workers: 3 });
  failing.now = true;
  await intoRestartLoop(system, refs[0], clock);
  assert.deepEqual(await sup.countChildren(), { specs: 1, active: 2, supervisors: 0, workers: 3 });
  failing.now = false;
  const back = nextEvent(system, "child_restarted");
  await clock.advance(1000);
  await back;
  assert.deepEqual(await sup.countChildren(), { specs: 1, active: 3, supervisors: 0, workers: 3 });
  for (const [i, row] of (await sup.whichChildren()).entries()) {
    await sup.terminateChild(row.ref!);
    assert.deepEqual(await sup.countChildren(), { specs: 1, active: 2 - i, supervisors: 0, workers: 2 - i });
  }
});

// OTP: simple_one_for_one_restart_ignore
test("simple_one_for_one: a child whose restart returns IGNORE is removed", async () => {
  await using system = new ActorSystem();
  let ignore = false;
  const sup = system.spawn(supervisor({
    strategy: "simple_one_for_one",
    intensity: 10,
    children: [{
      id: "c",
      start: (): Behavior<undefined, "boom"> => ({
        init: () => (ignore ? IGNORE : undefined),
        receive: crashOn.receive,
      }),
    }],
  }));
  const ref = await sup.startChild([]);
  ignore = true;
  const exited = nextEvent(system, "child_exited");
  ref.send("boom");
  await exited;
  assert.deepEqual(await sup.whichChildren(), []);
});

// OTP: order_of_children (start order kept through restarts; stop order its reverse)
test("after a rest_for_one restart, children keep their order and still stop in reverse", async () => {
  await using system = new ActorSystem();
  const log: string[] = [];
  const ids = ["ch7", "ch3", "ch10", "ch2", "ch5"]; // not sorted, on purpose
  const logged = (id: string): Behavior<undefined, "boom" | "stop"> => ({
    init: () => void log.push(`start ${id}`),
    receive: crashOn.receive,
    terminate: () => void log.push(`stop ${id}`),
  });
  const sup = system.spawn(
    supervisor({ strategy: "rest_for_one", intensity: 2, children: ids.map((id) => ({ id, start: logged(id) })) }),
  );
  const restarted = nextEvent(system, "child_restarted", (e) => e.childId === "ch5");
  (await refOf(sup, "ch10")).send("boom");
  await restarted;
  assert.deepEqual(log.splice(0), [
    ...ids.map((id) => `start ${id}`),
    "stop ch10",
    "stop ch5",
    "stop ch2",
    "start ch10",
    "start ch2",
    "start ch5",
  ]);
  assert.deepEqual((await sup.whichChildren()).map((c) => c.id), ids);
  await sup.stop("shutdown");
  assert.deepEqual(log, ids.toReversed().map((id) => `stop ${id}`));
});
