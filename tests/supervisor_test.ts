import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ActorSystem,
  type Behavior,
  type ChildSpec,
  ChildStartError,
  ManualClock,
  supervisor,
  type SupervisorError,
  type SupervisorRef,
} from "../mod.ts";
import { nextEvent, record } from "./_helpers.ts";

type Msg = "boom" | "stop" | "get" | "inc";

/** A counter that crashes on "boom", stops normally on "stop", logs start/stop into `log`. */
function worker(name: string, log: string[] = []): Behavior<number, Msg> {
  return {
    init: () => (log.push(`start ${name}`), 0),
    receive(n, msg, ctx) {
      if (msg === "boom") throw new Error(`${name} crashed`);
      if (msg === "stop") ctx.stop();
      if (msg === "get") ctx.reply(n);
      return msg === "inc" ? n + 1 : n;
    },
    terminate: () => void log.push(`stop ${name}`),
  };
}

async function refs(sup: SupervisorRef): Promise<Record<string, string | undefined>> {
  const children = await sup.whichChildren();
  return Object.fromEntries(children.map((c) => [c.id, c.ref?.id]));
}

async function child(sup: SupervisorRef, id: string) {
  const found = (await sup.whichChildren()).find((c) => c.id === id);
  assert.ok(found?.ref, `child ${id} is running`);
  return found.ref;
}

const three = (log?: string[]): ChildSpec[] => ["a", "b", "c"].map((id) => ({ id, start: worker(id, log) }));

test("children start in list order and stop in reverse order", async () => {
  const system = new ActorSystem();
  const log: string[] = [];
  const sup = system.spawn(supervisor({ strategy: "one_for_one", children: three(log) }));
  assert.deepEqual(Object.keys(await refs(sup)), ["a", "b", "c"]);
  await sup.stop("shutdown");
  assert.deepEqual(log, ["start a", "start b", "start c", "stop c", "stop b", "stop a"]);
  await system.shutdown();
});

for (
  const [strategy, restarted] of [
    ["one_for_one", ["b"]],
    ["one_for_all", ["a", "b", "c"]],
    ["rest_for_one", ["b", "c"]],
  ] as const
) {
  test(`${strategy} restarts exactly ${restarted.join(", ")} when b crashes, in start order`, async () => {
    await using system = new ActorSystem();
    const log: string[] = [];
    const sup = system.spawn(supervisor({ strategy, children: three(log) }));
    const before = await refs(sup);
    log.length = 0;
    const done = nextEvent(system, "child_restarted", (e) => e.childId === restarted.at(-1));
    (await child(sup, "b")).send("boom");
    await done;
    const after = await refs(sup);
    for (const id of ["a", "b", "c"]) {
      if ((restarted as readonly string[]).includes(id)) assert.notEqual(after[id], before[id], `${id} has a new ref`);
      else assert.equal(after[id], before[id], `${id} kept its ref`);
    }
    const bystanders = restarted.filter((id) => id !== "b").reverse().map((id) => `stop ${id}`);
    // The crashed child runs terminate itself (as a gen_server does), then bystanders stop in reverse.
    assert.deepEqual(log, ["stop b", ...bystanders, ...restarted.map((id) => `start ${id}`)]);
  });
}

for (
  const [restart, exit, expected] of [
    ["permanent", "normal", true],
    ["permanent", "abnormal", true],
    ["transient", "normal", false],
    ["transient", "abnormal", true],
    ["temporary", "normal", false],
    ["temporary", "abnormal", false],
  ] as const
) {
  test(`a ${restart} child is ${expected ? "" : "not "}restarted after a${exit === "normal" ? "" : "n"} ${exit} exit`, async () => {
    await using system = new ActorSystem();
    const events = record(system);
    const sup = system.spawn(
      supervisor({ strategy: "one_for_one", children: [{ id: "w", start: worker("w"), restart }] }),
    );
    const first = await child(sup, "w");
    const exited = nextEvent(system, "child_exited");
    first.send(exit === "normal" ? "stop" : "boom");
    await exited;
    const children = await sup.whichChildren();
    assert.equal(events.some((e) => e.type === "child_restarted"), expected);
    if (restart === "temporary") assert.deepEqual(children, [], "a temporary child's spec is forgotten");
    else assert.equal(children[0].status, expected ? "running" : "undefined");
  });
}

test("more restarts than intensity within period: children stop in reverse, supervisor exits with shutdown", async () => {
  await using system = new ActorSystem();
  const log: string[] = [];
  const sup = system.spawn(supervisor({ strategy: "one_for_one", intensity: 1, period: 60_000, children: three(log) }));
  const restarted = nextEvent(system, "child_restarted");
  (await child(sup, "a")).send("boom");
  await restarted;
  log.length = 0;
  const gaveUp = nextEvent(system, "supervisor_shutdown");
  const exited = nextEvent(system, "actor_exited", (e) => e.actor === sup.id);
  (await child(sup, "a")).send("boom");
  assert.equal((await gaveUp).reason, "reached_max_restart_intensity");
  assert.equal((await exited).reason, "shutdown");
  assert.deepEqual(log, ["stop a", "stop c", "stop b"]);
});

test("an escalated supervisor is restarted by its parent's strategy", async () => {
  await using system = new ActorSystem();
  const inner = supervisor({ strategy: "one_for_one", intensity: 0, children: [{ id: "w", start: worker("w") }] });
  const root = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [{ id: "inner", start: inner }, { id: "sibling", start: worker("sibling") }],
  }));
  const before = await refs(root);
  const innerRef = (await child(root, "inner")) as SupervisorRef;
  const restarted = nextEvent(system, "child_restarted", (e) => e.childId === "inner");
  (await child(innerRef, "w")).send("boom");
  await restarted;
  const after = await refs(root);
  assert.notEqual(after.inner, before.inner);
  assert.equal(after.sibling, before.sibling);
  const newInner = (await child(root, "inner")) as SupervisorRef;
  assert.equal((await newInner.whichChildren())[0].status, "running");
});

// OTP supervisor_SUITE: multiple_restarts / restart spacing, on a manual clock.
test("restarts spaced wider than the period never reach the intensity; closer ones escalate", async () => {
  const clock = new ManualClock();
  await using system = new ActorSystem({ clock });
  const sup = system.spawn(supervisor({ strategy: "one_for_one", intensity: 1, period: 1000, children: three() }));
  for (let i = 1; i <= 3; i++) {
    const restarted = nextEvent(system, "child_restarted");
    (await child(sup, "a")).send("boom");
    assert.equal((await restarted).restarts, i);
    await clock.advance(1001); // the previous restart leaves the window (more than period ago)
  }
  assert.equal(sup.alive, true);
  const restarted = nextEvent(system, "child_restarted");
  (await child(sup, "a")).send("boom");
  await restarted;
  await clock.advance(999); // still inside the window of that restart
  const gaveUp = nextEvent(system, "supervisor_shutdown");
  (await child(sup, "a")).send("boom");
  assert.equal((await gaveUp).reason, "reached_max_restart_intensity");
});

test("a restart exactly period ms ago is still inside the window: intensity 1, restarts at 0 and period shut down (OTP's add_restart)", async () => {
  const clock = new ManualClock();
  await using system = new ActorSystem({ clock });
  const sup = system.spawn(supervisor({ strategy: "one_for_one", intensity: 1, period: 1000, children: three() }));
  const restarted = nextEvent(system, "child_restarted");
  (await child(sup, "a")).send("boom");
  await restarted;
  await clock.advance(1000);
  const gaveUp = nextEvent(system, "supervisor_shutdown");
  (await child(sup, "a")).send("boom");
  assert.equal((await gaveUp).reason, "reached_max_restart_intensity");
});

test("a child that fails to start fails the supervisor's start; those started are stopped", async () => {
  await using system = new ActorSystem();
  const log: string[] = [];
  const broken: Behavior<never, never> = {
    init: () => {
      throw new Error("port in use");
    },
    receive: (s) => s,
  };
  const exited = nextEvent(system, "actor_exited", (e) => e.name === "sup");
  system.spawn(
    supervisor({ strategy: "one_for_one", children: [...three(log).slice(0, 2), { id: "broken", start: broken }] }),
    { name: "sup" },
  );
  const { reason } = await exited;
  const error = (reason as { error: ChildStartError }).error;
  assert.ok(error instanceof ChildStartError);
  assert.equal(error.childId, "broken");
  assert.equal((error.cause as Error).message, "port in use");
  assert.deepEqual(log, ["start a", "start b", "stop b", "stop a"]);
});

test("shutdown ms: a child that will not stop is killed after that many ms; brutal_kill kills at once", async () => {
  await using system = new ActorSystem();
  const stubborn = (log: string[]): Behavior<undefined, never> => ({
    receive: (s) => s,
    terminate: () => (log.push("terminate"), new Promise(() => {})),
  });
  const slowLog: string[] = [];
  const brutalLog: string[] = [];
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [
      { id: "slow", start: stubborn(slowLog), shutdown: 50 },
      { id: "brutal", start: stubborn(brutalLog), shutdown: "brutal_kill" },
    ],
  }));
  const events = record(system);
  await refs(sup);
  await sup.stop("shutdown");
  const reasons = Object.fromEntries(events.flatMap((e) => e.type === "child_exited" ? [[e.childId, e.reason]] : []));
  assert.deepEqual(reasons, { brutal: "killed", slow: "killed" });
  assert.deepEqual(brutalLog, [], "brutal_kill runs no terminate");
  assert.deepEqual(slowLog, ["terminate"]);
});

test("whichChildren and countChildren describe the children", async () => {
  await using system = new ActorSystem();
  const inner = supervisor({ strategy: "one_for_one", children: [] });
  const sup = system.spawn(
    supervisor({ strategy: "one_for_one", children: [...three(), { id: "inner", start: inner }] }),
  );
  const rows = await sup.whichChildren();
  assert.deepEqual(rows.map((r) => [r.id, r.type, r.status, r.restarts]), [
    ["a", "worker", "running", 0],
    ["b", "worker", "running", 0],
    ["c", "worker", "running", 0],
    ["inner", "supervisor", "running", 0],
  ]);
  assert.deepEqual(await sup.countChildren(), { specs: 4, active: 4, supervisors: 1, workers: 3 });
});

test("startChild, terminateChild, restartChild and deleteChild return OTP's errors", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [] }));
  const ref = await sup.startChild({ id: "x", start: worker("x") });
  assert.equal(await ref.ask("get"), 0);
  const spec = await sup.getChildSpec("x");
  assert.deepEqual([spec.id, spec.restart, spec.shutdown, spec.type, spec.significant], [
    "x",
    "permanent",
    5000,
    "worker",
    false,
  ]);
  const reason = (p: Promise<unknown>) => p.then(() => "ok", (e: SupervisorError) => e.reason);
  assert.equal(await reason(sup.startChild({ id: "x", start: worker("x") })), "already_started");
  assert.equal(await reason(sup.restartChild("x")), "running");
  assert.equal(await reason(sup.deleteChild("x")), "running");
  await sup.terminateChild("x");
  assert.equal(ref.alive, false);
  assert.equal(await reason(sup.startChild({ id: "x", start: worker("x") })), "already_present");
  const again = await sup.restartChild("x");
  assert.notEqual(again.id, ref.id);
  await sup.terminateChild("x");
  await sup.deleteChild("x");
  assert.equal(await reason(sup.deleteChild("x")), "not_found");
  assert.equal(await reason(sup.terminateChild("nope")), "not_found");
  assert.equal(await reason(sup.getChildSpec("nope")), "not_found");
  assert.deepEqual(await sup.whichChildren(), []);
});

test("autoShutdown any_significant: a significant child's own exit shuts the supervisor down", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    autoShutdown: "any_significant",
    children: [{ id: "job", start: worker("job"), restart: "transient", significant: true }, ...three()],
  }));
  const reason = nextEvent(system, "supervisor_shutdown");
  const exited = nextEvent(system, "actor_exited", (e) => e.actor === sup.id);
  (await child(sup, "job")).send("stop");
  assert.equal((await reason).reason, "auto_shutdown");
  assert.equal((await exited).reason, "shutdown");
});

test("an invalid spec is refused before anything starts, naming the field and value", () => {
  const start = worker("w");
  assert.throws(
    () => supervisor({ strategy: "one_for_one", children: [{ id: "w", start, restart: "always" as "permanent" }] }),
    /Invalid child spec at children\[0\]\.restart: must be one of "permanent", "transient", "temporary" \(got "always"\)/,
  );
  assert.throws(
    () => supervisor({ strategy: "one_for_one", children: [{ id: "w", start, shutdown: -1 }] }),
    /Invalid child spec at children\[0\]\.shutdown: must be a non-negative number, "brutal_kill" or "infinity" \(got -1\)/,
  );
  assert.throws(
    () => supervisor({ strategy: "one_for_one", children: [{ id: "w", start }, { id: "w", start }] }),
    / at children\[1\]\.id: must be unique/,
  );
  assert.throws(
    () => supervisor({ strategy: "one_for_none" as "one_for_one", children: [] }),
    / at strategy: must be one of/,
  );
  assert.throws(
    () => supervisor({ strategy: "one_for_one", children: [{ id: "w", start, significant: true }] }),
    / at children\[0\]\.significant: must be false for a "permanent" child/,
  );
});

test("a stray send to a supervisor is ignored and reported as a dead letter (OTP's unexpected message)", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({ strategy: "one_for_one", children: three() }));
  const before = await refs(sup);
  const dead = nextEvent(system, "dead_letter", (e) => e.reason === "unexpected_message");
  (sup as unknown as { send(m: unknown): boolean }).send({ hello: "supervisor" });
  assert.deepEqual((await dead).message, { hello: "supervisor" });
  const request = nextEvent(system, "dead_letter", (e) => e.reason === "unexpected_message");
  (sup as unknown as { send(m: unknown): boolean }).send({ type: "which_children" }); // a request by send: no reply possible
  await request;
  await assert.rejects((sup as unknown as { ask(m: unknown): Promise<unknown> }).ask("what?"), /does not understand/);
  assert.equal(sup.alive, true);
  assert.deepEqual(await refs(sup), before, "children untouched");
});

test("a liveness check that throws synchronously is a failure, one that returns a plain value a pass", async () => {
  await using system = new ActorSystem();
  let calls = 0;
  const failed = nextEvent(system, "health_check_failed");
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [
      {
        id: "throws",
        start: worker("t"),
        liveness: {
          check: () => {
            throw new Error("sync throw");
          },
          intervalMs: 5,
          failureThreshold: 1000,
        },
      },
      { id: "plain", start: worker("p"), liveness: { check: () => (calls++, "ok") as never, intervalMs: 5 } },
    ],
  }));
  assert.equal(((await failed).error as Error).message, "sync throw");
  while (calls < 3) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(sup.alive, true);
  assert.equal((await sup.whichChildren()).filter((c) => c.status === "running").length, 2);
});

test("a named child re-registers its name in every incarnation; whereis is undefined while it restarts ({local, Name})", async () => {
  const clock = new ManualClock();
  await using system = new ActorSystem({ clock });
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    intensity: 5,
    children: [{ id: "db", name: "database", start: worker("db"), backoff: { initialMs: 100, maxMs: 100 } }],
  }));
  const first = await child(sup, "db");
  assert.equal(system.whereis("database"), first);
  const exited = nextEvent(system, "child_exited");
  first.send("boom");
  await exited;
  assert.equal(system.whereis("database"), undefined, "no actor under the name while restarting");
  const restarted = nextEvent(system, "child_restarted");
  await clock.advance(100);
  await restarted;
  const second = await child(sup, "db");
  assert.notEqual(second, first);
  assert.equal(system.whereis("database"), second);
});

test("a named child whose name is taken fails its start with the cause", async () => {
  await using system = new ActorSystem();
  system.spawn({ receive: (s) => s }, { name: "taken" });
  await assert.rejects(
    system.spawn(supervisor({ strategy: "one_for_one", children: [] })).startChild({
      id: "c",
      name: "taken",
      start: worker("c"),
    }),
    (e) => e instanceof ChildStartError && / at name: is already registered/.test((e.cause as Error).message),
  );
});
