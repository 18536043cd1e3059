import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ActorSystem,
  type Behavior,
  ChildStartError,
  supervisor,
  type SupervisorError,
  type SupervisorRef,
} from "../../mod.ts";
import { nextEvent } from "../_helpers.ts";

type Msg = "get" | "boom";

/** The template's factory: a worker that answers "get" with the arguments it was started with. */
const workerOf = (...args: unknown[]): Behavior<unknown[], Msg> => ({
  init: () => args,
  receive(state, msg, ctx) {
    if (msg === "boom") throw new Error("boom");
    ctx.reply(state);
    return state;
  },
});

function pool(system: ActorSystem, intensity = 5): SupervisorRef {
  return system.spawn(supervisor({
    strategy: "simple_one_for_one",
    intensity,
    children: [{ id: "worker", start: workerOf }],
  }));
}

// OTP supervisor_SUITE: simple_one_for_one (start_child with extra args).
test("simple_one_for_one starts no child at first; startChild(extraArgs) starts one from the template", async () => {
  await using system = new ActorSystem();
  const sup = pool(system);
  assert.deepEqual(await sup.whichChildren(), []);
  const a = await sup.startChild(["a", 1]);
  const b = await sup.startChild(["b", 2]);
  assert.deepEqual(await a.ask("get"), ["a", 1]);
  assert.deepEqual(await b.ask("get"), ["b", 2]);
  const rows = await sup.whichChildren();
  assert.deepEqual(rows.map((r) => [r.id, r.ref?.id]), [["worker", a.id], ["worker", b.id]]);
  assert.deepEqual(await sup.countChildren(), { specs: 1, active: 2, supervisors: 0, workers: 2 });
});

// OTP supervisor_SUITE: simple_one_for_one (terminate_child by pid, restart/delete refused).
test("simple_one_for_one: terminateChild takes the ref; restartChild and deleteChild are refused", async () => {
  await using system = new ActorSystem();
  const sup = pool(system);
  const a = await sup.startChild(["a"]);
  const b = await sup.startChild(["b"]);
  await sup.terminateChild(a);
  assert.equal(a.alive, false);
  assert.deepEqual((await sup.whichChildren()).map((r) => r.ref?.id), [b.id]);
  const reason = (p: Promise<unknown>) => p.then(() => "ok", (e: SupervisorError) => e.reason);
  assert.equal(await reason(sup.terminateChild(a)), "not_found");
  assert.equal(await reason(sup.terminateChild("worker")), "not_found");
  assert.equal(await reason(sup.restartChild("worker")), "simple_one_for_one");
  assert.equal(await reason(sup.deleteChild("worker")), "simple_one_for_one");
  const wrongForm = await sup.startChild({ id: "x", start: workerOf() }).catch((e) => e);
  assert.ok(wrongForm instanceof ChildStartError);
});

test("simple_one_for_one: a crashed child restarts with its own arguments; the others keep their refs", async () => {
  await using system = new ActorSystem();
  const sup = pool(system);
  const a = await sup.startChild(["a"]);
  const b = await sup.startChild(["b"]);
  const restarted = nextEvent(system, "child_restarted");
  b.send("boom");
  const { actor } = await restarted;
  const rows = await sup.whichChildren();
  assert.deepEqual(rows.map((r) => r.ref?.id), [a.id, actor]);
  assert.deepEqual(await rows[1].ref!.ask("get"), ["b"]);
});

// OTP supervisor_SUITE: simple_one_for_one_escalation.
test("simple_one_for_one: more restarts than intensity shut the supervisor down", async () => {
  await using system = new ActorSystem();
  const sup = pool(system, 0);
  const a = await sup.startChild(["a"]);
  const exited = nextEvent(system, "actor_exited", (e) => e.actor === sup.id);
  a.send("boom");
  assert.equal((await exited).reason, "shutdown");
});

// OTP supervisor_SUITE: simple_one_for_one_shutdown (children stop concurrently).
test("simple_one_for_one: children stop concurrently on shutdown", { timeout: 10_000 }, async () => {
  await using system = new ActorSystem();
  const COUNT = 4;
  let stopping = 0;
  const { promise: allStopping, resolve: releaseAll } = Promise.withResolvers<void>();
  // Each child finishes terminating only once every child has begun: a supervisor
  // stopping them one after the other would never get past the first.
  const slow = (): Behavior<undefined, never> => ({
    receive: (s) => s,
    terminate: () => (++stopping === COUNT && releaseAll(), allStopping),
  });
  const sup = system.spawn(
    supervisor({ strategy: "simple_one_for_one", children: [{ id: "w", start: slow, shutdown: "infinity" }] }),
  );
  for (let i = 0; i < COUNT; i++) await sup.startChild([]);
  await sup.stop("shutdown");
  assert.equal(stopping, COUNT);
});

// OTP supervisor_SUITE: nested trees: dynamic children of a restarted sub-supervisor are gone.
test("the dynamic children of a restarted simple_one_for_one sub-supervisor are gone", async () => {
  await using system = new ActorSystem();
  const inner = supervisor({ strategy: "simple_one_for_one", intensity: 0, children: [{ id: "w", start: workerOf }] });
  const root = system.spawn(supervisor({ strategy: "one_for_one", children: [{ id: "pool", start: inner }] }));
  const sub = (await root.whichChildren())[0].ref as SupervisorRef;
  const first = await sub.startChild(["x"]);
  await sub.startChild(["y"]);
  const restarted = nextEvent(system, "child_restarted", (e) => e.childId === "pool");
  first.send("boom"); // intensity 0: the pool gives up and its parent restarts it
  await restarted;
  const newSub = (await root.whichChildren())[0].ref as SupervisorRef;
  assert.notEqual(newSub.id, sub.id);
  assert.deepEqual(await newSub.whichChildren(), []);
});

test("a simple_one_for_one spec needs exactly one template and refuses significant", () => {
  assert.throws(
    () => supervisor({ strategy: "simple_one_for_one", children: [] }),
    /Invalid supervisor spec at children: must hold exactly one template child spec for simple_one_for_one \(got \[\]\)/,
  );
  assert.throws(
    () =>
      supervisor({
        strategy: "simple_one_for_one",
        children: [{ id: "w", start: workerOf, restart: "transient", significant: true }],
      }),
    / at children\[0\]\.significant: must be false for a simple_one_for_one template/,
  );
  assert.throws(
    () => supervisor({ strategy: "one_for_one", children: [{ id: "w", start: workerOf }] }),
    / at children\[0\]\.start: must be a behaviour \(with receive\) or a Startable/,
  );
});
