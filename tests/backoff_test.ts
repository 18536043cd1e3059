import { test } from "node:test";
import assert from "node:assert/strict";
import { ActorSystem, type Backoff, type Behavior, ManualClock, supervisor, type SupervisorRef } from "../mod.ts";
import { nextEvent } from "./_helpers.ts";

const crashable: Behavior<undefined, "boom"> = {
  receive() {
    throw new Error("boom");
  },
};

function setup(backoff: Backoff, intensity = 100) {
  const clock = new ManualClock();
  const system = new ActorSystem({ clock });
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    intensity,
    period: 60_000,
    children: [{ id: "c", start: crashable, backoff }, { id: "steady", start: { receive: (s: unknown) => s } }],
  }));
  return { clock, system, sup };
}

async function crash(sup: SupervisorRef): Promise<void> {
  const row = (await sup.whichChildren())[0];
  assert.ok(row.ref, "the child is running");
  row.ref.send("boom");
}

/** Crashes the child and returns the delay (ms of manual time) until it was restarted. */
async function delayOfNextRestart(clock: ManualClock, system: ActorSystem, sup: SupervisorRef): Promise<number> {
  let restarted = false;
  const done = nextEvent(system, "child_restarted").then(() => (restarted = true));
  const exited = nextEvent(system, "child_exited");
  await crash(sup);
  await exited;
  const start = clock.now();
  while (!restarted) await clock.advance(1);
  await done;
  return clock.now() - start;
}

test("backoff delays restarts: initialMs, then factor times longer, capped at maxMs", async () => {
  const { clock, system, sup } = setup({ initialMs: 100, maxMs: 300, factor: 2 });
  await using _ = system;
  const delays: number[] = [];
  for (let i = 0; i < 4; i++) delays.push(await delayOfNextRestart(clock, system, sup));
  assert.deepEqual(delays, [100, 200, 300, 300]);
});

test("during a backoff delay the child shows restarting and its siblings keep running", async () => {
  const { clock, system, sup } = setup({ initialMs: 500, maxMs: 500 });
  await using _ = system;
  const steady = (await sup.whichChildren())[1].ref!.id;
  const exited = nextEvent(system, "child_exited");
  await crash(sup);
  await exited;
  await clock.advance(100);
  const rows = await sup.whichChildren();
  assert.deepEqual(rows.map((r) => r.status), ["restarting", "running"]);
  assert.equal(rows[1].ref!.id, steady);
  assert.deepEqual(await sup.countChildren(), { specs: 2, active: 1, supervisors: 0, workers: 2 });
});

test("delayed restarts count against intensity: a crash loop still escalates", async () => {
  const { clock, system, sup } = setup({ initialMs: 1000, maxMs: 1000 }, 2);
  await using _ = system;
  await delayOfNextRestart(clock, system, sup);
  await delayOfNextRestart(clock, system, sup);
  const gaveUp = nextEvent(system, "supervisor_shutdown");
  await crash(sup);
  assert.equal((await gaveUp).reason, "reached_max_restart_intensity");
});

test("the delay goes back to initialMs once the child stayed up resetAfterMs", async () => {
  const { clock, system, sup } = setup({ initialMs: 100, maxMs: 1000, resetAfterMs: 5000 });
  await using _ = system;
  assert.equal(await delayOfNextRestart(clock, system, sup), 100);
  assert.equal(await delayOfNextRestart(clock, system, sup), 200);
  await clock.advance(5000); // a healthy stretch
  assert.equal(await delayOfNextRestart(clock, system, sup), 100);
});

test("an invalid backoff is refused naming the field", () => {
  const spec = (backoff: unknown) => () =>
    supervisor({ strategy: "one_for_one", children: [{ id: "c", start: crashable, backoff: backoff as Backoff }] });
  assert.throws(
    spec({ initialMs: 100, maxMs: 50 }),
    /Invalid child spec at children\[0\]\.backoff\.maxMs: must be a number of ms, at least initialMs \(got 50\)/,
  );
  assert.throws(spec({ maxMs: 50 }), / at children\[0\]\.backoff\.initialMs: is required/);
  assert.throws(
    spec({ initialMs: 1, maxMs: 5, factor: 0.5 }),
    / at children\[0\]\.backoff\.factor: must be a number of at least 1/,
  );
  assert.throws(
    spec({ initialMs: 1, maxMs: 5, jitter: 2 }),
    / at children\[0\]\.backoff\.jitter: must be a fraction from 0 to 1/,
  );
});
