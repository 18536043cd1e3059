import { test } from "node:test";
import assert from "node:assert/strict";
import { ActorSystem, AskTimeoutError, type Behavior, ManualClock, supervisor } from "../mod.ts";
import { record } from "./_helpers.ts";

test("an ask times out when the manual clock reaches timeoutMs, not before", async () => {
  const clock = new ManualClock();
  await using system = new ActorSystem({ clock });
  const silent = system.spawn({ receive: (s) => s });
  let failure: unknown;
  silent.ask("hello?", { timeoutMs: 5000 }).catch((e) => (failure = e));
  const outcome = (): unknown => failure; // read through a call: no narrowing between awaits
  await clock.advance(4999);
  assert.equal(outcome(), undefined, "still pending");
  await clock.advance(1);
  assert.ok(outcome() instanceof AskTimeoutError);
});

test("sendAfter and sendInterval follow the manual clock", async () => {
  const clock = new ManualClock(1_000);
  await using system = new ActorSystem({ clock });
  const got: [string, number][] = [];
  const sink = system.spawn<string>({ receive: (s, m) => (got.push([m, clock.now()]), s) });
  system.spawn<never>({
    init(ctx) {
      ctx.sendAfter(sink, "once", 300);
      ctx.sendInterval(sink, "tick", 200);
    },
    receive: (s) => s,
  });
  await clock.advance(700);
  assert.deepEqual(got, [["tick", 1200], ["once", 1300], ["tick", 1400], ["tick", 1600]]);
});

test("a child's shutdown timeout runs on the manual clock", async () => {
  const clock = new ManualClock();
  await using system = new ActorSystem({ clock });
  const stubborn: Behavior<undefined, never> = { receive: (s) => s, terminate: () => new Promise(() => {}) };
  const sup = system.spawn(
    supervisor({ strategy: "one_for_one", children: [{ id: "s", start: stubborn, shutdown: 10_000 }] }),
  );
  await sup.whichChildren();
  const events = record(system);
  let done = false;
  const terminated = sup.terminateChild("s").then(() => (done = true));
  await clock.advance(9_999);
  assert.equal(done, false, "still waiting for the child to stop");
  await clock.advance(1);
  await terminated;
  const exit = events.find((e) => e.type === "child_exited");
  assert.equal(exit?.type === "child_exited" && exit.reason, "killed");
});

test("advance refuses a negative duration", async () => {
  await assert.rejects(
    new ManualClock().advance(-1),
    /Invalid advance argument at ms: must be a non-negative number of ms \(got -1\)/,
  );
});
