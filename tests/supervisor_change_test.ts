import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ActorSystem,
  type Behavior,
  ChildStartError,
  supervisor,
  SupervisorError,
  type SupervisorRef,
} from "../mod.ts";

// Changing a running supervisor, as OTP's code change does (`supervisor:code_change/3`
// replaces the flags and the child specs of a running supervisor; the children of an
// unchanged spec keep running): setFlags() and replaceChild(), used by `supervise` reloads.

type Msg = "boom" | "get";

function worker(name: string, log: string[]): Behavior<string, Msg> {
  return {
    init: () => (log.push(`start ${name}`), name),
    receive(state, msg, ctx) {
      if (msg === "boom") throw new Error(`${name} crashed`);
      ctx.reply(state);
      return state;
    },
    terminate: () => void log.push(`stop ${name}`),
  };
}

async function refOf(sup: SupervisorRef, id: string) {
  const found = (await sup.whichChildren()).find((c) => c.id === id);
  assert.ok(found?.ref, `${id} runs`);
  return found.ref;
}

/** Resolves when `sup` has restarted `id` (or rejects after 5 s). */
function restarted(system: ActorSystem, sup: SupervisorRef, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id} was not restarted`)), 5_000);
    const off = system.events.subscribe((e) => {
      if (e.type === "child_restarted" && e.supervisor === sup.id && e.childId === id) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

test("setFlags changes the strategy in place: the next restart follows the new one; running children are untouched", async () => {
  await using system = new ActorSystem();
  const log: string[] = [];
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    intensity: 10,
    children: ["a", "b", "c"].map((id) => ({ id, start: worker(id, log) })),
  }));
  const before = await Promise.all(["a", "b", "c"].map((id) => refOf(sup, id)));
  await sup.setFlags({ strategy: "rest_for_one" });
  assert.deepEqual(await Promise.all(["a", "b", "c"].map((id) => refOf(sup, id))), before, "no child restarted");
  log.length = 0;
  const done = restarted(system, sup, "c");
  (await refOf(sup, "b")).send("boom");
  await done;
  assert.deepEqual([...log], ["stop b", "stop c", "start b", "start c"], "rest_for_one: b and the children after it");
  assert.equal(await refOf(sup, "a"), before[0]);
});

test("setFlags changes intensity and period: the restarts already counted stay counted", async () => {
  await using system = new ActorSystem();
  const log: string[] = [];
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    intensity: 5,
    period: 60_000,
    children: [{ id: "a", start: worker("a", log) }],
  }));
  for (let i = 0; i < 2; i++) {
    const done = restarted(system, sup, "a");
    (await refOf(sup, "a")).send("boom");
    await done;
  }
  const exited = new Promise((resolve) =>
    system.events.subscribe((e) => e.type === "actor_exited" && e.actor === sup.id && resolve(e))
  );
  await sup.setFlags({ intensity: 2 });
  (await refOf(sup, "a")).send("boom"); // the third restart within the period: more than 2
  assert.deepEqual((await exited as { reason: unknown }).reason, "shutdown");
});

test("setFlags refuses bad flags before changing anything, and a change to or from simple_one_for_one", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [] }));
  await assert.rejects(sup.setFlags({ intensity: -1 }), { name: "RangeError", message: /intensity/ });
  await assert.rejects(sup.setFlags({ strategy: "one_for_many" as "one_for_one" }), {
    name: "TypeError",
    message: /strategy/,
  });
  await assert.rejects(
    sup.setFlags({ strategy: "simple_one_for_one" }),
    (e) => e instanceof SupervisorError && e.reason === "simple_one_for_one",
  );
  const simple = system.spawn(
    supervisor({ strategy: "simple_one_for_one", children: [{ id: "t", start: worker("t", []) }] }),
  );
  await assert.rejects(
    simple.setFlags({ strategy: "one_for_one" }),
    (e) => e instanceof SupervisorError && e.reason === "simple_one_for_one",
  );
  await assert.rejects(
    simple.replaceChild({ id: "t", start: worker("t", []) }),
    (e) => e instanceof SupervisorError && e.reason === "simple_one_for_one",
  );
});

test("replaceChild stops the old child, starts the new spec at the same place in the order; its siblings keep running", async () => {
  await using system = new ActorSystem();
  const log: string[] = [];
  const sup = system.spawn(supervisor({
    strategy: "rest_for_one",
    intensity: 10,
    children: ["a", "b", "c"].map((id) => ({ id, start: worker(id, log) })),
  }));
  const [a, c] = [await refOf(sup, "a"), await refOf(sup, "c")];
  log.length = 0;
  const fresh = await sup.replaceChild({ id: "b", start: worker("b2", log) });
  assert.deepEqual([...log], ["stop b", "start b2"]);
  assert.equal(await fresh!.ask("get"), "b2");
  assert.deepEqual((await sup.whichChildren()).map((ch) => ch.id), ["a", "b", "c"], "b keeps its place");
  assert.equal(await refOf(sup, "a"), a);
  assert.equal(await refOf(sup, "c"), c, "rest_for_one does not restart c: a replacement is not a crash");
  log.length = 0;
  const done = restarted(system, sup, "c");
  fresh!.send("boom");
  await done;
  assert.deepEqual(
    [...log],
    ["stop b2", "stop c", "start b2", "start c"],
    "the new spec is the one restarted, at b's place",
  );
});

test("replaceChild refuses an unknown id and reports a new spec that fails to start", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [{ id: "a", start: worker("a", []) }] }));
  await assert.rejects(
    sup.replaceChild({ id: "zz", start: worker("zz", []) }),
    (e) => e instanceof SupervisorError && e.reason === "not_found",
  );
  await assert.rejects(
    sup.replaceChild({
      id: "a",
      start: { init: () => Promise.reject(new Error("no db")), receive: (s: unknown) => s },
    }),
    (e) => e instanceof ChildStartError && /no db/.test(String((e as Error).cause)),
  );
  const [a] = await sup.whichChildren();
  assert.equal(a.ref, undefined, "the child is down, its new spec kept, as after a failed restart_child");
  assert.equal(sup.alive, true, "the supervisor runs on");
  await assert.rejects(sup.replaceChild({ id: "a", start: "not a behaviour" as never }), { name: "TypeError" });
});
