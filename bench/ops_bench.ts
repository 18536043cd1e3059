import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ActorSystem, supervisor, type SupervisorRef } from "../mod.ts";
import { osProcess } from "../osl/mod.ts";
import { main } from "../cli/main.ts";
import { serveControl } from "../cli/_control.ts";
import { Tree } from "../cli/_tree.ts";
import { probe, size, SMOKE } from "./_harness.ts";
import { runScript } from "../tests/_helpers.ts";

// The operator's side: `supervise ctl status` on a tree of 100 OS processes (`sleep`),
// answered by the control socket of a supervisor running in this process. Probes, not
// cases: they run after every timed case, so 100 live processes never weigh on those,
// and the tree is gone when they end.

const CHILDREN = size(100, 5);
const RUNS = SMOKE ? 1 : 20;
const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };

/** Runs `measure` against a live tree and its control socket, then takes both down. */
async function withTree(measure: (socket: string) => Promise<number[]>): Promise<number> {
  const system = new ActorSystem();
  const dir = mkdtempSync(join(tmpdir(), "airssys-bench-ops-"));
  try {
    const root = system.spawn(supervisor({
      strategy: "one_for_one",
      children: Array.from({ length: CHILDREN }, (_, i) => ({
        id: `w${i}`,
        start: osProcess({ command: "sleep", args: ["600"] }),
      })),
    })) as SupervisorRef;
    await root.whichChildren(); // every child started
    const socket = join(dir, "ctl.sock");
    const control = await serveControl(socket, {
      tree: new Tree(root, "ops", new Map()),
      recent: () => [],
      follow: () => () => {},
      reload: () => Promise.reject(new Error("no config")),
      shutdown: () => {},
    });
    const times = (await measure(socket)).sort((a, b) => a - b);
    await control.close();
    return times[times.length >> 1];
  } finally {
    await system.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

// From the request to the last line of the table, in this process: the answer, without
// the start of a runtime to ask.
probe({
  name: `ops/ctl_status_${CHILDREN}_children_ms`,
  unit: "ms",
  measure: () =>
    withTree(async (socket) => {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        if (await main(["ctl", "--socket", socket, "status"], quiet) !== 0) throw new Error("ctl status failed");
        times.push(performance.now() - started);
      }
      return times;
    }),
});

// The whole command as an operator types it: a new runtime, connect, the table, exit.
probe({
  name: `ops/ctl_status_${CHILDREN}_children_command_ms`,
  unit: "ms",
  measure: () =>
    withTree(async (socket) => {
      const bin = fileURLToPath(new URL("../cli/bin.ts", import.meta.url));
      const [cmd, ...args] = runScript(bin, ["ctl", "--socket", socket, "status"]);
      const times: number[] = [];
      for (let i = 0; i < Math.min(RUNS, 10); i++) {
        const started = performance.now();
        // Not spawnSync: the socket that answers is served by this process's event loop.
        const [status] = await once(spawn(cmd, args, { stdio: "ignore" }), "exit");
        if (status !== 0) throw new Error(`ctl status exited ${status}`);
        times.push(performance.now() - started);
      }
      return times;
    }),
});
