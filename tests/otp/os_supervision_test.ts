// OTP supervisor_SUITE behaviours again, with OS processes as the children: the process
// actor is an actor, so the same strategies, restart policies and auto-shutdown apply.
// Each test names the OTP case it mirrors; every test checks that no process survives.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ActorSystem, supervisor, type SupervisorRef } from "../../mod.ts";
import { osProcess } from "../../osl/mod.ts";
import { isAlive, nextEvent, record, until } from "../_helpers.ts";

const sleep = (seconds = "60") => osProcess({ command: "sleep", args: [seconds] });

async function pids(sup: SupervisorRef): Promise<number[]> {
  return (await sup.whichChildren()).map((c) => c.pid ?? -1);
}

/** The arguments `sleep` runs with as `pid`, once the exec has happened (argv before that is the runtime's). */
async function sleepArgs(pid: number): Promise<string[]> {
  const argv = () => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  await until(() => argv()[0]?.endsWith("sleep"), `${pid} runs sleep`);
  return argv().slice(1);
}

// OTP: rest_for_one
test("rest_for_one over OS processes: the killed one and those after it get new pids", async () => {
  const system = new ActorSystem();
  const sup = system.spawn(supervisor({
    strategy: "rest_for_one",
    children: ["p1", "p2", "p3"].map((id) => ({ id, start: sleep() })),
  }));
  const before = await pids(sup);
  const last = nextEvent(system, "child_restarted", (e) => e.childId === "p3");
  process.kill(before[1], "SIGKILL");
  await last;
  const after = await pids(sup);
  assert.deepEqual(after.map((pid, i) => pid !== before[i]), [false, true, true]);
  assert.equal(isAlive(before[2]), false, "the bystander was stopped");
  await system.shutdown();
  assert.deepEqual([...before, ...after].filter(isAlive), []);
});

// OTP: simple_one_for_one / simple_one_for_one_extra / simple_one_for_one_shutdown
test("simple_one_for_one over OS processes: extra args become arguments, restarts keep them, shutdown stops all", async () => {
  const system = new ActorSystem();
  const sup = system.spawn(supervisor({
    strategy: "simple_one_for_one",
    intensity: 5,
    children: [{ id: "sleep", start: (seconds: string) => sleep(seconds), shutdown: 2000 }],
  }));
  await sup.startChild(["61"]);
  await sup.startChild(["62"]);
  const [first, second] = await pids(sup);
  assert.deepEqual([await sleepArgs(first), await sleepArgs(second)], [["61"], ["62"]]);
  const restarted = nextEvent(system, "child_restarted");
  process.kill(first, "SIGKILL");
  const { pid } = await restarted;
  assert.deepEqual(await sleepArgs(pid!), ["61"], "restarted with the arguments it was started with");
  const [row] = await sup.whichChildren();
  await sup.terminateChild(row.ref!);
  assert.equal(isAlive(pid!), false);
  assert.deepEqual(await sup.countChildren(), { specs: 1, active: 1, supervisors: 0, workers: 1 });
  await system.shutdown();
  assert.deepEqual([first, second, pid!].filter(isAlive), []);
});

// OTP: significant_transient (an OS job that finishes ends its supervisor)
test("a significant transient OS job: a crash restarts it, exiting 0 shuts the supervisor and its siblings down", async () => {
  const system = new ActorSystem();
  // The job exits 0 once the file `done` exists, as a batch job that finished would.
  const dir = mkdtempSync(join(tmpdir(), "airssys-job-"));
  const job = osProcess({ command: "sh", args: ["-c", "until [ -e done ]; do sleep 0.05; done"], cwd: dir });
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    autoShutdown: "any_significant",
    children: [{ id: "daemon", start: sleep() }, { id: "job", start: job, restart: "transient", significant: true }],
  }));
  const [daemon, first] = await pids(sup);
  const restarted = nextEvent(system, "child_restarted");
  process.kill(first, "SIGKILL");
  await restarted;
  assert.equal(sup.alive, true, "a crash of a transient job does not trigger auto_shutdown");
  const [, again] = await pids(sup);
  const down = nextEvent(system, "supervisor_shutdown");
  const exited = nextEvent(system, "actor_exited", (e) => e.actor === sup.id);
  writeFileSync(join(dir, "done"), "");
  assert.equal((await down).reason, "auto_shutdown");
  assert.equal((await exited).reason, "shutdown");
  assert.deepEqual([daemon, first, again].filter(isAlive), []);
  await system.shutdown();
  rmSync(dir, { recursive: true });
});

// OTP: temporary_abnormal (an OS child killed from outside stays down and is forgotten)
test("a temporary OS process killed from outside is not restarted and is forgotten", async () => {
  const system = new ActorSystem();
  const events = record(system);
  const sup = system.spawn(
    supervisor({ strategy: "one_for_one", children: [{ id: "once", start: sleep(), restart: "temporary" }] }),
  );
  const [pid] = await pids(sup);
  const exited = nextEvent(system, "child_exited");
  process.kill(pid, "SIGKILL");
  assert.deepEqual((await exited).reason, { exitCode: null, signal: "SIGKILL" });
  assert.deepEqual(await sup.whichChildren(), []);
  assert.equal(events.some((e) => e.type === "child_restarted"), false);
  await system.shutdown();
});
