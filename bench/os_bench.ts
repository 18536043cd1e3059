import { spawn as spawnChild } from "node:child_process";
import { once } from "node:events";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { ActorSystem, supervisor } from "../mod.ts";
import { osProcess } from "../osl/mod.ts";
import { runtimeInfo } from "../osl/internal.ts";
import { atExit, bench, collectGarbage, probe, size, SMOKE } from "./_harness.ts";
import { nativeSpawn } from "./_native_spawn.ts";

const system = new ActorSystem();

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch { /* already gone */ }
}

// Start latency on /bin/true: from the call to the exit being known.
bench({
  name: "os/start_true",
  group: "start",
  ops: 1,
  unit: "process",
  async fn() {
    const ref = system.spawn(osProcess({ command: "true" }));
    const { promise, resolve } = Promise.withResolvers<void>();
    const off = system.events.subscribe((e) => e.type === "actor_exited" && e.actor === ref.id && resolve());
    await promise;
    off();
  },
});
bench({
  name: "limit/start_true_raw_child_process",
  group: "start",
  baseline: true,
  ops: 1,
  unit: "process",
  async fn() {
    await once(spawnChild("true", [], { stdio: "ignore" }), "exit");
  },
});
bench({
  name: "limit/start_true_raw_execa",
  group: "start",
  ops: 1,
  unit: "process",
  async fn() {
    await execa("true", { stdio: "ignore", reject: false });
  },
});
bench({
  name: "limit/start_true_raw_native",
  group: "start",
  ops: 1,
  unit: "process",
  async fn() {
    await nativeSpawn(["true"]).exited;
  },
});

// Restart latency: an outside SIGKILL to the replacement process running.
const restartSup = system.spawn(supervisor({
  strategy: "one_for_one",
  intensity: 1e9,
  period: 1,
  children: [{ id: "sleep", start: osProcess({ command: "sleep", args: ["600"] }) }],
}));
// Deno may run exit hooks before its last bench ends: killing the supervisor (not its
// child, which it would restart) takes the child down at once through the link.
atExit(() => void restartSup.stop("killed"));
let restartedPid: ((pid: number) => void) | undefined;
system.events.subscribe((e) =>
  e.type === "child_restarted" && e.supervisor === restartSup.id && restartedPid?.(e.pid!)
);
let currentPid: number | undefined;
bench({
  name: "os/restart_after_sigkill",
  group: "restart",
  ops: 1,
  unit: "restart",
  async fn() {
    currentPid ??= (await restartSup.whichChildren())[0].pid!;
    const { promise, resolve } = Promise.withResolvers<number>();
    restartedPid = resolve;
    process.kill(currentPid, "SIGKILL");
    currentPid = await promise;
  },
});

/** A raw spawn-on-exit loop: the least any restarter can do. */
function rawLoop(start: () => { pid: number; exited: Promise<unknown> }) {
  let child = start();
  let replaced: ((pid: number) => void) | undefined;
  let closed = false;
  const watch = () => {
    void child.exited.then(() => {
      if (closed) return;
      child = start();
      watch();
      replaced?.(child.pid);
    });
  };
  watch();
  atExit(() => {
    closed = true;
    killQuietly(child.pid);
  });
  return async () => {
    const { promise, resolve } = Promise.withResolvers<number>();
    replaced = resolve;
    process.kill(child.pid, "SIGKILL");
    await promise;
  };
}

const sleepArgs = ["sleep", "600"];
const loops = {
  execa: () => {
    const p = execa(sleepArgs[0], sleepArgs.slice(1), { stdio: "ignore", reject: false });
    return { pid: p.pid!, exited: p };
  },
  native: () => nativeSpawn(sleepArgs),
};
for (const [name, start] of Object.entries(loops)) {
  let restart: (() => Promise<void>) | undefined;
  bench({
    name: `limit/restart_after_sigkill_raw_${name}`,
    group: "restart",
    baseline: name === "execa",
    ops: 1,
    unit: "restart",
    async fn() {
      restart ??= rawLoop(start);
      await restart();
    },
  });
}

probe({
  name: "os/cpu_sampling_100_children_1hz",
  unit: "% of a core",
  async measure() {
    const children = Array.from({ length: size(100, 5) }, (_, i) => ({
      id: `s${i}`,
      start: osProcess({ command: "sleep", args: ["600"], limits: { sampleIntervalMs: 1000 } }),
    }));
    const sampled = new ActorSystem();
    sampled.spawn(supervisor({ strategy: "one_for_one", children }));
    await sleep(1500); // started, first samples taken
    collectGarbage();
    const before = process.cpuUsage();
    const started = performance.now();
    await sleep(size(5000, 200));
    const used = process.cpuUsage(before);
    await sampled.shutdown();
    return ((used.user + used.system) / 1000) / (performance.now() - started) * 100;
  },
});

/**
 * pm2's restart latency, the process manager users would pick instead: the median
 * of SIGKILL to pm2's "online" event over 20 restarts, measured by
 * bench/_pm2_restart.ts in a Bun subprocess (pm2 logs to stdout and fails under
 * Deno without --unsafe-proto). Not in smoke runs, so CI never depends on pm2.
 */
probe({
  name: "peer/restart_after_sigkill_pm2_ms",
  unit: "ms",
  async measure() {
    if (SMOKE || runtimeInfo().name !== "bun") return Number.NaN;
    const script = fileURLToPath(new URL("./_pm2_restart.ts", import.meta.url));
    const { stdout } = await execa(process.execPath, [script], { reject: true, timeout: 120_000 });
    // pm2 prefixes every console line, ours included, with "PM2 log: ".
    return JSON.parse(stdout.match(/\{"medianMs":[^}]*\}/)![0]).medianMs;
  },
});
