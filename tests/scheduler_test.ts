import { test } from "node:test";
import assert from "node:assert/strict";
import { ActorSystem, type Behavior } from "../mod.ts";

test("throughput: each actor handles at most that many messages before the next actor runs", async () => {
  await using system = new ActorSystem({ throughput: 2 });
  const order: string[] = [];
  const { promise: done, resolve } = Promise.withResolvers<void>();
  const logger = (name: string): Behavior<number, number> => ({
    init: () => 0,
    receive: (n, m) => (order.push(`${name}${m}`), order.length === 10 && resolve(), n + 1),
  });
  const a = system.spawn(logger("a"));
  const b = system.spawn(logger("b"));
  for (let i = 1; i <= 5; i++) a.send(i), b.send(i);
  await done;
  assert.deepEqual(order, ["a1", "a2", "b1", "b2", "a3", "a4", "b3", "b4", "a5", "b5"]);
});

test("sliceMs: an actor that keeps itself busy does not starve timers", async () => {
  await using system = new ActorSystem({ sliceMs: 5 });
  const spinner = system.spawn<"spin" | "stop">({
    receive(s, m, ctx) {
      if (m === "spin") ctx.self.send("spin");
      else ctx.stop();
      return s;
    },
  });
  spinner.send("spin");
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 10));
  const waited = performance.now() - started;
  spinner.send("stop");
  assert.ok(waited < 1000, `a 10 ms timer fired after ${waited.toFixed(0)} ms`);
});

test("sliceMs: an async actor messaging itself forever does not starve timers", async () => {
  await using system = new ActorSystem();
  const spinner = system.spawn<"spin">({
    async receive(s, _m, ctx) {
      await Promise.resolve();
      ctx.self.send("spin");
      return s;
    },
  });
  spinner.send("spin");
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 10));
  const waited = performance.now() - started;
  await spinner.stop("killed");
  assert.ok(waited < 2000, `a 10 ms timer fired after ${waited.toFixed(0)} ms`);
});

test("sliceMs: a supervisor restarting a crashing child 10,000 times does not hold timers", async () => {
  await using system = new ActorSystem();
  const crasher: Behavior<undefined, never> = { init: (ctx) => void ctx.stop({ error: "crash" }), receive: (s) => s };
  let timerFiredAt = -1;
  let restarts = 0;
  const gaveUp = new Promise<void>((resolve) =>
    system.events.subscribe((e) => {
      if (e.type === "child_restarted") restarts = e.restarts;
      if (e.type === "supervisor_shutdown") resolve();
    })
  );
  const { supervisor } = await import("../mod.ts");
  system.spawn(
    supervisor({
      strategy: "one_for_one",
      intensity: 10_000,
      period: 3_600_000,
      children: [{ id: "c", start: crasher }],
    }),
  );
  setTimeout(() => (timerFiredAt = restarts), 10);
  await gaveUp;
  assert.ok(timerFiredAt >= 0 && timerFiredAt < 10_000, `the timer fired after ${timerFiredAt} restarts`);
});
