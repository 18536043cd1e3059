import { test } from "node:test";
import assert from "node:assert/strict";
import { ActorSystem, type Behavior, Broker } from "../mod.ts";
import { nextEvent } from "./_helpers.ts";

function collector(into: unknown[]): Behavior<undefined, unknown> {
  return { receive: (s, m, ctx) => (m === "get" ? ctx.reply(into.slice()) : into.push(m), s) };
}

test("publish delivers to every subscriber of the topic and only to them", async () => {
  await using system = new ActorSystem();
  const broker = new Broker(system);
  const a: unknown[] = [], b: unknown[] = [], c: unknown[] = [];
  const [ra, rb, rc] = [a, b, c].map((into) => system.spawn(collector(into)));
  broker.subscribe("orders", ra);
  broker.subscribe("orders", rb);
  broker.subscribe("orders", rb); // idempotent
  broker.subscribe("audit", rc);
  assert.equal(broker.publish("orders", "o1"), 2);
  assert.deepEqual(await ra.ask("get"), ["o1"]);
  assert.deepEqual(await rb.ask("get"), ["o1"]);
  assert.deepEqual(await rc.ask("get"), []);
});

test("unsubscribe stops delivery", async () => {
  await using system = new ActorSystem();
  const broker = new Broker(system);
  const got: unknown[] = [];
  const ref = system.spawn(collector(got));
  const off = broker.subscribe("t", ref);
  broker.publish("t", 1);
  off();
  assert.equal(broker.subscribers("t"), 0);
  assert.deepEqual(await ref.ask("get"), [1]);
});

test("a subscriber that exits is unsubscribed from every topic", async () => {
  await using system = new ActorSystem();
  const broker = new Broker(system);
  const ref = system.spawn(collector([]));
  broker.subscribe("x", ref);
  broker.subscribe("y", ref);
  await ref.stop();
  assert.equal(broker.subscribers("x"), 0);
  assert.equal(broker.subscribers("y"), 0);
});

test("publishing to a topic without subscribers is a dead letter naming the topic", async () => {
  await using system = new ActorSystem();
  const broker = new Broker(system);
  const letter = nextEvent(system, "dead_letter");
  assert.equal(broker.publish("nobody", { id: 1 }), 0);
  const event = await letter;
  assert.equal(event.reason, "no_subscribers");
  assert.equal(event.topic, "nobody");
  assert.deepEqual(event.message, { id: 1 });
  assert.throws(() => broker.subscribe("", system.spawn(collector([]))), / at topic: must be a non-empty string/);
});
