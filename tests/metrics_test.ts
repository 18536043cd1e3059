import { test } from "node:test";
import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { ActorSystem, type Behavior, supervisor } from "../mod.ts";
import { metrics } from "../metrics/mod.ts";

// metrics(system) as a library user calls it: the same registry `supervise --metrics` serves.

/** The value of the sample `name{labels}` in Prometheus text, or undefined. */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

const crasher: Behavior<undefined, "crash" | "ok"> = {
  init: () => undefined,
  receive: (state, message) => {
    if (message === "crash") throw new Error("asked to");
    return state;
  },
};

test("stats(): live actors, messages waiting, dead letters and messages processed", async () => {
  await using system = new ActorSystem();
  const { promise: initDone, resolve: finishInit } = Promise.withResolvers<undefined>();
  const blocked = system.spawn<string>({ init: () => initDone, receive: (s) => s }); // its mail waits for its init
  const counter = system.spawn<"inc" | "get">({
    init: () => 0,
    receive: (n, message, ctx) => (message === "get" ? (ctx.reply(n), n) : n + 1),
  });
  for (let i = 0; i < 5; i++) counter.send("inc");
  assert.equal(await counter.ask("get"), 5);
  blocked.send("a");
  blocked.send("b");
  await counter.stop();
  counter.send("inc"); // to a stopped actor: a dead letter
  const stats = system.stats();
  assert.equal(stats.actors, 1);
  assert.equal(stats.mailboxDepth, 2);
  assert.equal(stats.processed, 6);
  assert.equal(stats.deadLetters, 1);
  finishInit(undefined);
});

test("metrics(system): per child up, restarts, start failures, uptime; per system actors, mailboxes, dead letters, messages", async () => {
  await using system = new ActorSystem();
  const registry = metrics(system);
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    intensity: 5,
    children: [{ id: "worker", start: crasher }],
  }));
  const refuser = { init: () => Promise.reject(new Error("no")), receive: (s: unknown) => s };
  await assert.rejects(sup.startChild({ id: "late", start: refuser }));
  const [worker] = await sup.whichChildren();
  const restarted = new Promise<void>((resolve) =>
    system.events.subscribe((e) => e.type === "child_restarted" && resolve())
  );
  worker.ref!.send("crash");
  await restarted;
  const text = await registry.metrics();
  const child = `{child="${sup.id}/worker"}`;
  assert.equal(sample(text, "airssys_child_up", child), 1);
  assert.equal(sample(text, "airssys_child_restarts_total", child), 1);
  assert.equal(sample(text, "airssys_child_start_failures_total", child), 0);
  assert.ok(sample(text, "airssys_child_uptime_seconds", child)! >= 0);
  assert.equal(sample(text, "airssys_child_start_failures_total", `{child="${sup.id}/late"}`), 1);
  assert.equal(sample(text, "airssys_actors"), system.stats().actors);
  assert.equal(sample(text, "airssys_messages_processed_total"), system.stats().processed);
  assert.equal(sample(text, "airssys_dead_letters_total"), system.stats().deadLetters);
  assert.equal(sample(text, "airssys_mailbox_depth"), 0);
  await sup.terminateChild("worker");
  assert.equal(sample(await registry.metrics(), "airssys_child_up", child), 0, "a stopped child is down");
});

test("metrics(system, { registry, prefix }) joins the application's registry; anything else is refused", async () => {
  await using system = new ActorSystem();
  const registry = new Registry();
  assert.equal(metrics(system, { registry, prefix: "app_rt_" }), registry);
  assert.match(await registry.metrics(), /^app_rt_actors 0$/m);
  assert.throws(
    () => metrics(system, { registry: {} as Registry }),
    { name: "TypeError", message: /registry: must be a prom-client Registry/ },
  );
});

test("a child's label is taken at scrape time; a supervisor's children are forgotten when it exits", async () => {
  await using system = new ActorSystem();
  const names = new Map<string, string>(); // filled late, as supervise learns paths
  const registry = metrics(system, { childName: (sup, id) => `${names.get(sup) ?? "?"}/${id}` });
  const inner = supervisor({ strategy: "one_for_one", children: [{ id: "leaf", start: crasher }] });
  const root = system.spawn(supervisor({ strategy: "one_for_one", children: [{ id: "inner", start: inner }] }));
  const [innerChild] = await root.whichChildren();
  names.set(root.id, "root");
  names.set(innerChild.ref!.id, "root/inner");
  const text = await registry.metrics();
  assert.equal(sample(text, "airssys_child_up", `{child="root/inner/leaf"}`), 1);
  assert.equal(sample(text, "airssys_child_up", `{child="root/inner"}`), 1);
  await root.terminateChild("inner");
  const after = await registry.metrics();
  assert.equal(sample(after, "airssys_child_up", `{child="root/inner/leaf"}`), undefined, "its supervisor exited");
  assert.equal(sample(after, "airssys_child_up", `{child="root/inner"}`), 0);
});
