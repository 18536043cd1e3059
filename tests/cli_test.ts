import { test } from "node:test";
import process from "node:process";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, isAlive, killAll, runScript, supervise, until, withTempDir } from "./_helpers.ts";

const smallTree = {
  id: "small",
  strategy: "one_for_one",
  intensity: 100,
  period: 1000,
  children: [
    { id: "steady", command: "sleep", args: ["60"] },
    { id: "crashy", command: "sh", args: ["-c", "sleep 0.2; exit 3"] },
    { id: "inner", strategy: "one_for_all", children: [{ id: "a", command: "sleep", args: ["60"] }] },
  ],
};

test(
  "supervise --json: restarts happen, every line parses, SIGTERM exits 0 and no child is left",
  withTempDir(async (dir) => {
    const run = supervise(smallTree, ["--json"], dir);
    await until(
      () => run.events.filter((e) => e.type === "child_restarted").length >= 2,
      "two restarts are reported",
      20_000,
    );
    run.kill("SIGTERM");
    assert.equal(await run.exited, 0, run.stderr());
    const started = run.events.filter((e) => e.type === "child_started").map((e) => e.path);
    assert.deepEqual(started, ["small/steady", "small/crashy", "small/inner", "small/inner/a"]);
    const restart = run.events.find((e) => e.type === "child_restarted")!;
    assert.equal(restart.path, "small/crashy");
    const exit = run.events.find((e) => e.type === "child_exited" && e.path === "small/crashy")!;
    assert.deepEqual(exit.reason, { exitCode: 3, signal: null });
    const pids = run.events.flatMap((e) => (typeof e.pid === "number" ? [e.pid] : []));
    assert.ok(pids.length >= 4);
    assert.deepEqual(pids.filter(isAlive), [], "no process the command started is alive");
    assert.match(run.stderr(), /received SIGTERM/);
  }),
);

test(
  "supervise --duration stops the tree after that long and exits 0, one line per event",
  withTempDir(async (dir) => {
    const run = supervise(
      { id: "brief", strategy: "one_for_one", children: [{ id: "s", command: "sleep", args: ["60"] }] },
      ["--duration", "0.5"],
      dir,
    );
    assert.equal(await run.exited, 0, run.stderr());
    assert.match(run.lines[0], /child_started\s+brief\/s\s+pid=\d+/);
    assert.match(run.lines.at(-1)!, /child_exited\s+brief\/s\s+reason="shutdown" pid=\d+/);
  }),
);

test(
  "supervise --duration past 2^31-1 ms runs until stopped, not at once",
  withTempDir(async (dir) => {
    const run = supervise({ id: "long", children: [{ id: "s", command: "sleep", args: ["60"] }] }, [
      "--json",
      "--duration",
      "2200000",
    ], dir);
    await until(() => run.events.some((e) => e.type === "child_started"), "the child started");
    await new Promise((resolve) => setTimeout(resolve, 200));
    run.kill("SIGTERM");
    assert.equal(await run.exited, 0, run.stderr());
    assert.match(run.stderr(), /received SIGTERM/);
    assert.doesNotMatch(run.stderr(), /ran for/);
  }),
);

test(
  "supervise exits 1 when the root reaches its restart intensity",
  withTempDir(async (dir) => {
    const run = supervise(
      {
        id: "fragile",
        strategy: "one_for_one",
        intensity: 0,
        children: [{ id: "crashy", command: "sh", args: ["-c", "exit 1"] }],
      },
      [],
      dir,
    );
    assert.equal(await run.exited, 1);
    assert.match(run.stderr(), /the tree gave up: shutdown/);
  }),
);

test(
  "a bad config exits 2 naming the JSON path of the bad field, before anything starts",
  withTempDir(async (dir) => {
    const run = supervise(
      {
        strategy: "one_for_one",
        children: [{ id: "ok", command: "sleep", args: ["60"] }, { id: "bad", command: "true", restart: "always" }],
      },
      ["--json"],
      dir,
    );
    assert.equal(await run.exited, 2);
    assert.match(
      run.stderr(),
      /Invalid config at \$\.children\[1\]\.restart: must be one of "permanent", "transient", "temporary" \(got "always"\)/,
    );
    assert.deepEqual(run.lines, [], "nothing was started");
  }),
);

test(
  "a bad --metrics address or a pidfile that cannot be written exits 2 naming it, before anything starts",
  withTempDir(async (dir) => {
    const tree = { children: [{ id: "s", command: "sleep", args: ["60.31"] }] };
    for (
      const [args, why] of [
        [["--metrics", "nonsense"], /--metrics must be HOST:PORT, got "nonsense"/],
        [["--metrics", "127.0.0.1:99999"], /--metrics must be HOST:PORT, got "127\.0\.0\.1:99999"/],
        [["--pidfile", join(dir, "no/such/dir/s.pid")], /Cannot write the pidfile .*s\.pid: ENOENT/],
      ] as const
    ) {
      const run = supervise(tree, ["--json", ...args], dir);
      assert.equal(await run.exited, 2, args.join(" "));
      assert.match(run.stderr(), why);
      assert.deepEqual(run.lines, [], "nothing was started");
    }
  }),
);

test(
  "SIGHUP re-reads the config and applies what changed; the tree runs on (as systemctl reload)",
  withTempDir(async (dir) => {
    const tree = { id: "hup", children: [{ id: "a", command: "sleep", args: ["60"] }] };
    const run = supervise(tree, ["--json"], dir);
    await until(() => run.events.some((e) => e.type === "child_started"), "a started");
    writeFileSync(
      join(dir, "tree.json"),
      JSON.stringify({ ...tree, children: [...tree.children, { id: "b", command: "sleep", args: ["60"] }] }),
    );
    run.kill("SIGHUP");
    await until(
      () => run.events.some((e) => e.type === "child_started" && e.path === "hup/b"),
      "b was added by the reload",
    );
    assert.match(run.stderr(), /reloaded: added hup\/b/);
    assert.equal(run.events.filter((e) => e.type === "child_exited").length, 0, "a was not touched");
    run.kill("SIGTERM");
    assert.equal(await run.exited, 0, run.stderr());
    const exits = run.events.filter((e) => e.type === "child_exited").map((e) => e.path);
    assert.deepEqual(exits, ["hup/b", "hup/a"], "reverse start order");
  }),
);

/**
 * Starts supervise (one `sleep` child, `--json` output to a file) under the shell line
 * `wrap(command, out)` in a process group of its own; resolves once the child runs.
 */
async function startWrapped(dir: string, wrap: (command: string, out: string) => string) {
  const config = join(dir, "tree.json");
  writeFileSync(config, JSON.stringify({ id: "wrapped", children: [{ id: "a", command: "sleep", args: ["64"] }] }));
  const out = join(dir, "out.jsonl");
  const command = runScript(CLI, [config, "--json"]).map((a) => `'${a}'`).join(" ");
  const wrapper = spawn("sh", ["-c", wrap(command, out)], { stdio: "ignore", detached: true });
  const output = () => (existsSync(out) ? readFileSync(out, "utf8") : "");
  await until(() => output().includes("child_started"), "the child started", 20_000);
  const pid: number = JSON.parse(output().split("\n").find((l) => l.includes("child_started"))!).pid;
  const stopped = () => until(() => output().includes("stopped, no child left running"), "supervise stopped", 20_000);
  return { wrapper: wrapper.pid!, pid, output, stopped, out };
}

test(
  "when the process that started supervise dies (a wrapper such as npm run), the tree is stopped in order",
  withTempDir(async (dir) => {
    // The wrapper starts supervise and waits for it, as npm does; it is then SIGKILLed.
    const run = await startWrapped(dir, (command, out) => `${command} > '${out}' 2>&1 & wait`);
    process.kill(run.wrapper, "SIGKILL");
    await run.stopped();
    assert.match(run.output(), /the process that started it \(pid \d+\) exited/);
    assert.equal(isAlive(run.pid), false);
  }),
);

test(
  "when the leader of supervise's process group dies (npm run on SIGHUP) while its direct parent lives on, the tree is stopped",
  withTempDir(async (dir) => {
    // leader (npm) -> middle (npm's `sh -c`, which outlives it) -> supervise.
    const run = await startWrapped(dir, (command, out) => `sh -c "${command} > '${out}' 2>&1; true" & wait`);
    process.kill(run.wrapper, "SIGKILL");
    try {
      await run.stopped();
      assert.match(run.output(), /the leader of its process group \(pid \d+, the job that started it\) exited/);
      assert.equal(isAlive(run.pid), false);
    } finally {
      killAll(run.out); // the middle shell, should anything be left
    }
  }),
);

test(
  "--logs shows the children's output, each line named by its path, even lines printed before child_started",
  withTempDir(async (dir) => {
    const tree = {
      id: "talk",
      children: [{
        id: "slow",
        command: "sh",
        args: ["-c", "echo booting; sleep 0.3; echo ready; sleep 60"],
        readiness: { logLine: "ready" },
      }],
    };
    const quiet = supervise(tree, ["--duration", "1"], dir);
    assert.equal(await quiet.exited, 0);
    assert.equal(quiet.lines.some((l) => l.includes("booting")), false, "without --logs, output is not shown");
    const loud = supervise(tree, ["--logs", "--duration", "1"], dir);
    assert.equal(await loud.exited, 0, loud.stderr());
    const booting = loud.lines.find((l) => l.includes("booting"));
    assert.match(booting ?? "", /log\s+talk\/slow\s+stdout: booting/);
  }),
);
