import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { createActor, fromTransition } from "xstate";
import { spawnStateless, start as startNact, stop as stopNact } from "nact";
import { ActorSystem, type Behavior, Mailbox } from "../mod.ts";
import { bench, collectGarbage, heapUsed, probe, size } from "./_harness.ts";

const idle: Behavior<undefined, never> = { receive: (s) => s };

/** Heap bytes per object after GC, over `count` objects made by `make` (kept alive until measured). */
async function bytesPer(count: number, make: () => unknown): Promise<number> {
  collectGarbage();
  await sleep(10);
  collectGarbage();
  const before = heapUsed();
  const keep: unknown[] = new Array(count);
  for (let i = 0; i < count; i++) keep[i] = make();
  await sleep(10); // let spawned actors run init
  collectGarbage();
  const after = heapUsed();
  const perObject = (after - before - count * 8) / count; // minus the keep array's slots
  keep.length = 0;
  return perObject;
}

const COUNT = size(100_000, 100);

probe({
  name: "resources/bytes_per_idle_actor",
  unit: "B",
  async measure() {
    const system = new ActorSystem();
    const bytes = await bytesPer(COUNT, () => system.spawn(idle));
    await system.shutdown();
    return bytes;
  },
});

const xstateIdle = fromTransition((s: number) => s, 0);
probe({
  name: "peer/bytes_per_idle_actor_xstate_transition",
  unit: "B",
  measure: () => bytesPer(COUNT, () => createActor(xstateIdle).start()),
});

probe({
  name: "peer/bytes_per_idle_actor_nact",
  unit: "B",
  async measure() {
    const system = startNact();
    let n = 0;
    const bytes = await bytesPer(COUNT, () => spawnStateless(system, () => {}, `a${n++}`));
    stopNact(system);
    return bytes;
  },
});

probe({
  name: "resources/bytes_per_empty_mailbox",
  unit: "B",
  measure: () => bytesPer(COUNT, () => new Mailbox()),
});

const MILLION = size(1_000_000, 1000);

probe({
  name: "resources/spawn_1m_idle_actors_ms",
  unit: "ms",
  async measure() {
    const system = new ActorSystem();
    const started = performance.now();
    for (let i = 0; i < MILLION; i++) system.spawn(idle);
    await sleep(0); // every init has run
    const ms = performance.now() - started;
    collectGarbage();
    console.log(`  heap with ${MILLION} idle actors: ${(heapUsed() / 2 ** 20).toFixed(0)} MiB`);
    await system.shutdown();
    return ms;
  },
});

/** Percent of one core this process used over `ms`, after a GC and a pause for earlier work to settle. */
async function cpuPercentOver(ms: number): Promise<number> {
  collectGarbage();
  await sleep(size(1000, 10));
  collectGarbage();
  const before = process.cpuUsage();
  const started = performance.now();
  await sleep(ms);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1000) / (performance.now() - started) * 100;
}

probe({
  name: "resources/cpu_10k_idle_actors_1s",
  unit: "% of a core above an empty process",
  async measure() {
    const ms = size(1000, 50);
    const empty = await cpuPercentOver(ms);
    const system = new ActorSystem();
    for (let i = 0; i < size(10_000, 100); i++) system.spawn(idle);
    const withActors = await cpuPercentOver(ms);
    await system.shutdown();
    console.log(`  process CPU: ${empty.toFixed(2)}% idle without actors, ${withActors.toFixed(2)}% with them`);
    return withActors - empty;
  },
});

bench({
  name: "resources/spawn_1m_idle_actors",
  group: "million",
  ops: MILLION,
  unit: "actor",
  async fn() {
    const system = new ActorSystem();
    for (let i = 0; i < MILLION; i++) system.spawn(idle);
    await sleep(0);
  },
});
