import { test } from "node:test";
import assert from "node:assert/strict";
import { ActorSystem, type ProcessSample, supervisor } from "../mod.ts";
import { osProcess, ResourceLimitError, type ResourceLimits } from "../osl/mod.ts";
import { LimitWatch } from "../osl/sampler.ts";
import { fixture, isAlive, nextEvent, record } from "./_helpers.ts";

const sample = (rssBytes: number): ProcessSample => ({ rssBytes, cpuPercent: 0, timestamp: 0 });

test("forSamples: a limit acts only after that many samples over it in a row; a spike is tolerated", () => {
  const watch = new LimitWatch({ maxRssBytes: 100, forSamples: 3 });
  const verdicts = [150, 150, 50, 150, 150, 150].map((rss) => watch.check(sample(rss)));
  assert.deepEqual(verdicts.map((v) => v === undefined), [true, true, true, true, true, false]);
  const error = verdicts[5]!;
  assert.deepEqual([error.limit, error.max, error.measured, error.samples], ["maxRssBytes", 100, 150, 3]);
});

async function leakUntilStopped(limits: ResourceLimits, command: string) {
  await using system = new ActorSystem();
  const events = record(system);
  system.spawn(
    supervisor({ strategy: "one_for_one", children: [{ id: "leaky", start: osProcess({ command, limits }) }] }),
  );
  const exited = await nextEvent(system, "child_exited", () => true, 30_000);
  const samples = events.flatMap((
    e,
  ) => (e.type === "process_sample" && e.pid === exited.pid ? [e.sample.rssBytes] : []));
  return { exited, samples };
}

test(
  "memory policy: a leaking child is restarted only after forSamples samples over the limit",
  { timeout: 60_000 },
  async () => {
    const maxRssBytes = 150 * 1024 * 1024;
    const { exited, samples } = await leakUntilStopped(
      { maxRssBytes, forSamples: 3, sampleIntervalMs: 100 },
      fixture("grow_in_child.sh"),
    );
    const error = (exited.reason as { error: ResourceLimitError }).error;
    assert.ok(error instanceof ResourceLimitError);
    assert.deepEqual([error.limit, error.samples], ["maxRssBytes", 3]);
    assert.ok(error.measured > maxRssBytes);
    assert.deepEqual(
      samples.slice(-3).map((rss) => rss > maxRssBytes),
      [true, true, true],
      "the last three samples were over",
    );
    assert.equal(samples.filter((rss) => rss > maxRssBytes).length, 3, "it acted at the third sample over, not before");
    assert.equal(isAlive(exited.pid!), false);
  },
);

test(
  "limits measure the whole tree: a shell whose child leaks is over the limit (tree: false looks at the shell only)",
  { timeout: 60_000 },
  async () => {
    const maxRssBytes = 100 * 1024 * 1024;
    const { exited, samples } = await leakUntilStopped(
      { maxRssBytes, sampleIntervalMs: 100 },
      fixture("grow_in_child.sh"),
    );
    assert.ok((exited.reason as { error: ResourceLimitError }).error.measured > maxRssBytes);
    assert.ok(samples.at(-1)! > maxRssBytes);

    await using system = new ActorSystem();
    const sup = system.spawn(supervisor({
      strategy: "one_for_one",
      children: [{
        id: "leaky",
        start: osProcess({
          command: fixture("grow_in_child.sh"),
          limits: { maxRssBytes, sampleIntervalMs: 100, tree: false },
        }),
      }],
    }));
    const pid = (await sup.whichChildren())[0].pid!;
    let count = 0;
    await nextEvent(system, "process_sample", (e) => e.pid === pid && ++count === 10, 30_000); // a second of samples
    assert.ok((await sup.whichChildren())[0].sample!.rssBytes < maxRssBytes, "the shell alone stays small");
    assert.equal((await sup.whichChildren())[0].pid, pid, "not restarted");
  },
);

test("limits are validated up front, naming the field", () => {
  assert.throws(
    () => osProcess({ command: "x", limits: { forSamples: 0 } }),
    /Invalid OS process spec at limits\.forSamples: must be a positive integer \(got 0\)/,
  );
  assert.throws(
    () => osProcess({ command: "x", limits: { tree: "yes" as never } }),
    / at limits\.tree: must be true or false/,
  );
});
