// The same process behaviours with each spawn adapter: execa (the default) and the
// runtime's own (Bun.spawn / Deno.Command).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { ActorSystem, supervisor } from "../mod.ts";
import { osProcess, type OsProcessRef, type OsProcessSpec } from "../osl/mod.ts";
import { procEntry } from "../osl/_proc.ts";
import { fixture, freePort, groupMembers, isAlive, nextEvent, until } from "./_helpers.ts";

for (const spawn of ["execa", "native"] as const) {
  const proc = (spec: OsProcessSpec) => osProcess({ ...spec, spawn });

  test(`${spawn}: own process group and session; SIGKILL from outside restarts it with a new pid`, async () => {
    await using system = new ActorSystem();
    const sup = system.spawn(
      supervisor({ strategy: "one_for_one", children: [{ id: "s", start: proc({ command: "sleep", args: ["60"] }) }] }),
    );
    const [{ pid }] = await sup.whichChildren();
    assert.equal(procEntry(pid!)!.pgid, pid, "leads its own process group");
    const restarted = nextEvent(system, "child_restarted");
    const exited = nextEvent(system, "child_exited");
    process.kill(pid!, "SIGKILL");
    assert.deepEqual((await exited).reason, { exitCode: null, signal: "SIGKILL" });
    assert.notEqual((await restarted).pid, pid);
  });

  test(`${spawn}: exit codes map to exit reasons`, async () => {
    await using system = new ActorSystem();
    const reasons: unknown[] = [];
    for (const code of [0, 3]) {
      const ref = system.spawn(proc({ command: "sh", args: ["-c", `exit ${code}`] }));
      reasons.push((await nextEvent(system, "actor_exited", (e) => e.actor === ref.id)).reason);
    }
    assert.deepEqual(reasons, ["normal", { exitCode: 3, signal: null }]);
  });

  test(`${spawn}: output is captured; readiness by line and by port hold back the sibling`, async () => {
    await using system = new ActorSystem();
    const port = await freePort();
    const sup = system.spawn(supervisor({
      strategy: "one_for_one",
      children: [
        {
          id: "talker",
          start: proc({
            command: "sh",
            args: ["-c", "echo one; echo two >&2; echo ready; sleep 60"],
            readiness: { logLine: "ready" },
          }),
        },
        {
          id: "web",
          start: proc({
            command: "node",
            args: [fixture("http_server.mjs")],
            env: { PORT: String(port), DELAY_MS: "200" },
            readiness: { tcpPort: port },
          }),
        },
      ],
    }));
    const [talker] = await sup.whichChildren();
    assert.deepEqual((talker.ref as OsProcessRef).logs().map((l) => `${l.stream}:${l.line}`).sort(), [
      "stderr:two",
      "stdout:one",
      "stdout:ready",
    ]);
    assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200);
  });

  test(`${spawn}: stopping stops the whole group; a command that cannot start fails with its cause`, async () => {
    await using system = new ActorSystem();
    const ref = system.spawn(proc({ command: fixture("forks.sh") })) as OsProcessRef;
    await until(() => ref.pid !== undefined && groupMembers(ref.pid).length === 3, "forks.sh and its two sleeps run");
    const members = groupMembers(ref.pid!);
    await ref.stop("shutdown");
    // Signals are delivered asynchronously: the group is gone within a generous bound.
    await until(() => members.every((pid) => !isAlive(pid)), "every member of the group is gone", 5_000);
    const failed = system.spawn(proc({ command: "/nonexistent/command" }));
    const { reason } = await nextEvent(system, "actor_exited", (e) => e.actor === failed.id);
    assert.match(String((reason as { error: Error }).error.message), /Cannot start '\/nonexistent\/command'/);
  });
}
