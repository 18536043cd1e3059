import { test } from "node:test";
import process from "node:process";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { isAlive, runScript, until } from "./_helpers.ts";

const CLI = fileURLToPath(new URL("../cli/bin.ts", import.meta.url));

interface Run {
  events: Record<string, unknown>[];
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `supervise` as a real subprocess with `config` written to a temp file. */
function supervise(config: unknown, args: string[], dir: string): Run {
  const file = join(dir, "tree.json");
  writeFileSync(file, JSON.stringify(config));
  const [cmd, ...argv] = runScript(CLI, [file, ...args]);
  const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
  const run: Run = {
    events: [],
    lines: [],
    stderr: () => stderr,
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    // process.kill, not child.kill: Deno's child.kill() makes 'exit' report the signal
    // even when the child handled it and exited 0.
    kill: (signal) => process.kill(child.pid!, signal),
  };
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  createInterface({ input: child.stdout }).on("line", (line) => {
    run.lines.push(line);
    if (args.includes("--json")) run.events.push(JSON.parse(line));
  });
  return run;
}

function withTempDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "airssys-cli-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

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
  "SIGHUP stops the tree in order and exits 0 (until reload exists)",
  withTempDir(async (dir) => {
    const run = supervise(
      {
        id: "hup",
        children: [{ id: "a", command: "sleep", args: ["60"] }, { id: "b", command: "sleep", args: ["60"] }],
      },
      ["--json"],
      dir,
    );
    await until(() => run.events.filter((e) => e.type === "child_started").length === 2, "both children started");
    run.kill("SIGHUP");
    assert.equal(await run.exited, 0, run.stderr());
    assert.match(run.stderr(), /received SIGHUP/);
    const exits = run.events.filter((e) => e.type === "child_exited").map((e) => e.path);
    assert.deepEqual(exits, ["hup/b", "hup/a"], "reverse start order");
    assert.deepEqual(run.events.flatMap((e) => (typeof e.pid === "number" ? [e.pid] : [])).filter(isAlive), []);
  }),
);

test(
  "when the process that started supervise dies (a wrapper such as npm run), the tree is stopped in order",
  withTempDir(async (dir) => {
    const config = join(dir, "tree.json");
    writeFileSync(config, JSON.stringify({ id: "orphan", children: [{ id: "a", command: "sleep", args: ["60"] }] }));
    const out = join(dir, "out.jsonl");
    const [cmd, ...argv] = runScript(CLI, [config, "--json"]);
    const quoted = [cmd, ...argv].map((a) => `'${a}'`).join(" ");
    // The wrapper starts supervise and waits for it, as npm does; it is then SIGKILLed.
    const wrapper = spawn("sh", ["-c", `${quoted} > '${out}' 2>&1 & wait`], { stdio: "ignore" });
    await until(
      () => existsSync(out) && readFileSync(out, "utf8").includes("child_started"),
      "the child started",
      20_000,
    );
    const pid = JSON.parse(readFileSync(out, "utf8").split("\n").find((l) => l.includes("child_started"))!).pid;
    process.kill(wrapper.pid!, "SIGKILL");
    await until(
      () => readFileSync(out, "utf8").includes("stopped, no child left running"),
      "supervise stopped the tree",
      20_000,
    );
    assert.match(readFileSync(out, "utf8"), /the process that started it \(pid \d+\) exited/);
    assert.equal(isAlive(pid), false);
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
