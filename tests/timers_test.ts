import { test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock } from "../mod.ts";
import { Timers } from "../src/_timers.ts";

test("timers fire in deadline order, each no earlier than its delay, rounded up to a whole ms", async () => {
  const clock = new ManualClock();
  const timers = new Timers(clock);
  const fired: [string, number][] = [];
  timers.schedule(30, () => fired.push(["c", clock.now()]));
  timers.schedule(10.2, () => fired.push(["a", clock.now()]));
  timers.schedule(20, () => fired.push(["b", clock.now()]));
  await clock.advance(10);
  assert.deepEqual(fired, [], "10.2 ms is due at 11");
  await clock.advance(40);
  assert.deepEqual(fired, [["a", 11], ["b", 20], ["c", 30]]);
});

test("a cancelled timer never fires; cancel is idempotent and other timers of its bucket still fire", async () => {
  const clock = new ManualClock();
  const timers = new Timers(clock);
  const fired: string[] = [];
  const a = timers.schedule(5, () => fired.push("a"));
  timers.schedule(5, () => fired.push("b"));
  a.cancel();
  a.cancel();
  await clock.advance(10);
  assert.deepEqual(fired, ["b"]);
});

test("a timer scheduled while timers fire runs at its own deadline", async () => {
  const clock = new ManualClock();
  const timers = new Timers(clock);
  const fired: number[] = [];
  timers.schedule(5, () => timers.schedule(5, () => fired.push(clock.now())));
  await clock.advance(20);
  assert.deepEqual(fired, [10]);
});
