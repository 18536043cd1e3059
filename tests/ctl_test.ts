import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { constants as osConstants } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { main } from "../cli/main.ts";
import { freePort, isAlive, processesWith, type Run, supervise, until, withTempDir } from "./_helpers.ts";

// The operator's side of `supervise` on real daemons (redis-server, nats-server): the
// control socket, every `ctl` command and its refusals, reload as a diff, metrics.

/** Runs `supervise ctl <args>` in this process; resolves with its exit code and output. */
/** `supervise <args>` in this process: its exit code and what it printed. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } };
  const code = await main(args, io);
  return { code, out, err };
}

function ctl(socket: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return cli("ctl", "--socket", socket, ...args);
}

/** Sends one request (an object, or a raw line) and collects reply lines until `done` says so. */
async function stream(
  socket: string,
  request: object | string,
  done: (lines: unknown[]) => boolean,
): Promise<unknown[]> {
  const conn = connect(socket);
  conn.write(`${typeof request === "string" ? request : JSON.stringify(request)}\n`);
  const lines: unknown[] = [];
  for await (const line of createInterface({ input: conn })) {
    lines.push(JSON.parse(line));
    if (done(lines)) break;
  }
  conn.destroy();
  return lines;
}

async function daemons(dir: string) {
  const [redis, nats, metrics] = [await freePort(), await freePort(), await freePort()];
  const tree = {
    id: "ops",
    strategy: "one_for_one",
    intensity: 10,
    children: [
      {
        id: "redis",
        command: "redis-server",
        args: ["--port", String(redis), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
        readiness: { exec: ["redis-cli", "-p", String(redis), "ping"] },
      },
      {
        id: "nats",
        command: "nats-server",
        args: ["-p", String(nats), "-a", "127.0.0.1"],
        readiness: { tcpPort: nats },
      },
      { id: "ticker", command: "sh", args: ["-c", "while true; do echo tick; sleep 0.05; done"] },
      { id: "inner", children: [{ id: "idle", command: "sleep", args: ["60"] }] },
    ],
  };
  const socket = join(dir, "ctl.sock");
  const run = supervise(tree, ["--json", "--socket", socket, "--metrics", `127.0.0.1:${metrics}`], dir);
  await until(
    () => existsSync(socket) && run.events.filter((e) => e.type === "child_started").length === 5,
    "the tree is up",
    20_000,
  );
  return { run, socket, tree, metrics, redis };
}

async function pids(socket: string): Promise<Record<string, number>> {
  const { rows } = JSON.parse((await ctl(socket, "--json", "status")).out) as {
    rows: { path: string; pid?: number }[];
  };
  return Object.fromEntries(rows.flatMap((r) => (r.pid === undefined ? [] : [[r.path, r.pid]])));
}

async function stopAndCheck(run: Run, started: number[]): Promise<void> {
  run.kill("SIGTERM");
  assert.equal(await run.exited, 0, run.stderr());
  assert.deepEqual(started.filter(isAlive), [], "no process left");
}

test(
  "ctl status, restart, stop, start and signal on redis and nats: a restart gives the child a new pid and leaves its siblings alone",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const { run, socket } = await daemons(dir);
    const before = await pids(socket);
    assert.deepEqual(Object.keys(before), ["ops/redis", "ops/nats", "ops/ticker", "ops/inner/idle"]);
    const status = await ctl(socket, "status");
    assert.equal(status.code, 0);
    assert.match(status.out, /^ID\s+PID\s+STATUS/);
    assert.match(status.out, /ops\/inner\/idle\s+\d+\s+running/);
    assert.match((await ctl(socket, "restart", "redis")).out, /^restarted ops\/redis/);
    const after = await pids(socket);
    assert.notEqual(after["ops/redis"], before["ops/redis"], "redis has a new pid");
    assert.equal(after["ops/nats"], before["ops/nats"], "nats is untouched");
    assert.equal(after["ops/inner/idle"], before["ops/inner/idle"]);
    assert.equal((await ctl(socket, "stop", "ops/nats")).code, 0);
    assert.equal(isAlive(before["ops/nats"]), false);
    assert.equal((await pids(socket))["ops/nats"], undefined);
    assert.equal((await ctl(socket, "start", "nats")).code, 0);
    assert.equal((await ctl(socket, "signal", "nats", "SIGHUP")).code, 0, "nats-server reloads on SIGHUP and runs on");
    const last = await pids(socket);
    await stopAndCheck(run, [...Object.values(before), ...Object.values(after), ...Object.values(last)]);
  }),
);

test(
  "every ctl refusal names the path or the state and exits non-zero",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const { run, socket } = await daemons(dir);
    const cases: [string[], number, RegExp][] = [
      [["stop", "ops/nope"], 1, /no child at ops\/nope/],
      [["start", "redis"], 1, /cannot start ops\/redis: running/],
      [["signal", "inner", "SIGTERM"], 1, /ops\/inner is not an OS process/],
      [["logs", "inner/missing"], 1, /no child at ops\/inner\/missing/],
      [["signal", "redis", "TERM"], 2, /signal name like "SIGHUP"/],
      [["frobnicate"], 2, /unknown command "frobnicate"/],
      [["restart"], 2, /restart takes one path/],
    ];
    for (const [args, code, message] of cases) {
      const result = await ctl(socket, ...args);
      assert.equal(result.code, code, `${args.join(" ")}: ${result.err}`);
      assert.match(result.err, message, args.join(" "));
    }
    await ctl(socket, "stop", "nats");
    assert.match((await ctl(socket, "stop", "nats")).err, /cannot stop ops\/nats: not_running/);
    assert.match((await ctl(socket, "signal", "nats", "SIGHUP")).err, /ops\/nats is not running/);
    for (
      const raw of [
        "garbage",
        '{"cmd":"signal","path":1,"signal":"SIGTERM"}',
        '{"cmd":"logs","path":"redis","lines":-1,"follow":false}',
        "null",
      ]
    ) {
      const [reply] = await stream(socket, raw, () => true);
      assert.deepEqual((reply as { ok: boolean; reason: string }).reason, "bad_request", raw);
    }
    const none = await ctl(join(dir, "absent.sock"), "status");
    assert.equal(none.code, 1);
    assert.match(none.err, /no supervise listening on .*absent\.sock/);
    await stopAndCheck(run, []);
  }),
);

test(
  "ctl logs -n and -f, events -f: the latest lines, then new ones as they come",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const { run, socket } = await daemons(dir);
    await until(
      async () => (await ctl(socket, "logs", "-n", "3", "ticker")).out.split("\n").length > 3,
      "ticker printed 3 lines",
    );
    const logs = await ctl(socket, "logs", "-n", "2", "ticker");
    assert.deepEqual(logs.out.trim().split("\n"), ["stdout: tick", "stdout: tick"]);
    const followed = await stream(
      socket,
      { cmd: "logs", path: "ticker", lines: 0, follow: true },
      (lines) => lines.length >= 5,
    );
    assert.deepEqual(followed.map((l) => (l as { line: { line: string } }).line.line), [
      "tick",
      "tick",
      "tick",
      "tick",
      "tick",
    ]);
    const events = stream(
      socket,
      { cmd: "events", follow: true },
      (lines) =>
        lines.some((l) =>
          (l as { event: { type: string; path: string } }).event.type === "child_exited" &&
          (l as { event: { path: string } }).event.path === "ops/inner/idle"
        ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    await ctl(socket, "restart", "inner/idle");
    assert.ok((await events).length > 0);
    await stopAndCheck(run, []);
  }),
);

test(
  "reload applies the config as a diff: added started, removed stopped, changed restarted, unchanged untouched; a bad config is refused whole",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const { run, socket, tree } = await daemons(dir);
    const before = await pids(socket);
    const file = join(dir, "tree.json");
    const changed = {
      ...tree,
      intensity: 20,
      children: [
        tree.children[0], // redis: unchanged
        { ...tree.children[2], args: ["-c", "while true; do echo tock; sleep 0.05; done"] }, // ticker: changed
        {
          id: "inner",
          children: [{ id: "idle", command: "sleep", args: ["60"] }, { id: "extra", command: "sleep", args: ["61"] }],
        },
        { id: "late", command: "sleep", args: ["62"] }, // added; nats removed
      ],
    };
    writeFileSync(file, JSON.stringify(changed));
    const reload = await ctl(socket, "reload");
    assert.equal(reload.code, 0, reload.err);
    assert.deepEqual(reload.out.trim().split("\n"), [
      'changed ops: {"strategy":"one_for_one","intensity":20,"period":5000}',
      "removed ops/nats",
      "changed ops/ticker (restarted)",
      "added ops/inner/extra",
      "added ops/late",
    ]);
    const after = await pids(socket);
    assert.equal(after["ops/redis"], before["ops/redis"], "unchanged: same pid");
    assert.equal(after["ops/inner/idle"], before["ops/inner/idle"], "unchanged inside a changed supervisor: same pid");
    assert.notEqual(after["ops/ticker"], before["ops/ticker"], "changed: restarted");
    assert.equal(after["ops/nats"], undefined, "removed");
    assert.equal(isAlive(before["ops/nats"]), false);
    assert.ok(after["ops/late"] && after["ops/inner/extra"], "added and running");
    writeFileSync(file, JSON.stringify({ ...changed, children: [{ id: "x", comand: "sleep" }] }));
    const bad = await ctl(socket, "reload");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Invalid config at \$\.children\[0\]\.comand: is not a known field/);
    assert.deepEqual(await pids(socket), after, "the running tree is untouched");
    await stopAndCheck(run, [...Object.values(before), ...Object.values(after)]);
  }),
);

test(
  "a reload step that fails (an added child that cannot start) is reported and exits 1; the other steps apply",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const tree = { id: "part", children: [{ id: "a", command: "sleep", args: ["70"] }] };
    const socket = join(dir, "ctl.sock");
    const run = supervise(tree, ["--json", "--socket", socket], dir);
    await until(() => existsSync(socket) && run.events.some((e) => e.type === "child_started"), "the tree is up");
    const before = await pids(socket);
    const next = {
      id: "part",
      children: [...tree.children, { id: "broken", command: "/nonexistent/daemon" }, {
        id: "b",
        command: "sleep",
        args: ["71"],
      }],
    };
    writeFileSync(join(dir, "tree.json"), JSON.stringify(next));
    const reload = await ctl(socket, "reload");
    assert.equal(reload.code, 1);
    assert.deepEqual(reload.out.trim().split("\n"), ["added part/b"]);
    assert.match(reload.err, /added part\/broken: .*nonexistent/);
    const after = await pids(socket);
    assert.equal(after["part/a"], before["part/a"]);
    assert.ok(after["part/b"] > 0);
    await stopAndCheck(run, [...Object.values(after)]);
  }),
);

test(
  "a reload that changes one child of 100 restarts only that child",
  { timeout: 120_000 },
  withTempDir(async (dir) => {
    const children = Array.from({ length: 100 }, (_, i) => ({ id: `w${i}`, command: "sleep", args: ["300"] }));
    const tree = { id: "many", intensity: 10, children };
    const socket = join(dir, "ctl.sock");
    const run = supervise(tree, ["--json", "--socket", socket], dir);
    await until(
      () => existsSync(socket) && run.events.filter((e) => e.type === "child_started").length === 100,
      "100 children up",
      60_000,
    );
    const before = await pids(socket);
    children[57] = { ...children[57], args: ["301"] };
    writeFileSync(join(dir, "tree.json"), JSON.stringify(tree));
    const reload = await ctl(socket, "reload");
    assert.deepEqual(reload.out.trim().split("\n"), ["changed many/w57 (restarted)"]);
    const after = await pids(socket);
    const moved = Object.keys(before).filter((path) => after[path] !== before[path]);
    assert.deepEqual(moved, ["many/w57"]);
    await stopAndCheck(run, [...Object.values(before), ...Object.values(after)]);
  }),
);

test(
  "metrics are Prometheus text over HTTP: up, restarts, start failures, cpu, rss, uptime per child; actors, mailboxes, dead letters, messages",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const { run, socket, metrics } = await daemons(dir);
    const scrape = async () => await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
    process.kill((await pids(socket))["ops/nats"], "SIGKILL");
    await until(() => run.events.some((e) => e.type === "child_restarted" && e.path === "ops/nats"), "nats restarted");
    await until(
      () => run.events.some((e) => e.type === "process_sample" && e.path === "ops/redis"),
      "redis sampled",
      10_000,
    );
    const text = await scrape();
    for (const name of ["child_up", "child_start_failures_total", "child_uptime_seconds"]) {
      assert.match(text, new RegExp(`^airssys_${name}\\{child="ops/redis"\\} `, "m"), name);
    }
    assert.match(text, /^airssys_child_restarts_total\{child="ops\/nats"\} 1$/m);
    assert.match(text, /^airssys_child_up\{child="ops\/nats"\} 1$/m);
    assert.match(text, /^airssys_child_up\{child="ops\/inner\/idle"\} 1$/m, "a nested child is labelled by its path");
    assert.doesNotMatch(text, /child="</, "no label holds an actor id");
    assert.match(text, /^airssys_child_rss_bytes\{child="ops\/redis"\} [1-9]\d+$/m);
    assert.match(text, /^airssys_child_cpu_percent\{child="ops\/redis"\} /m);
    for (const name of ["actors", "mailbox_depth", "dead_letters_total", "messages_processed_total"]) {
      assert.match(text, new RegExp(`^airssys_${name} \\d+`, "m"), name);
    }
    await stopAndCheck(run, []);
  }),
);

test(
  "the control socket is mode 0600 and refuses another uid; a stale socket file is replaced; a live one refuses a second supervise",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const socket = join(dir, "ctl.sock");
    writeFileSync(socket, ""); // stale: nobody listens
    const tree = { id: "sock", children: [{ id: "s", command: "sleep", args: ["60"] }] };
    const first = supervise(tree, ["--json", "--socket", socket], dir);
    await until(() => first.events.some((e) => e.type === "child_started"), "the first one runs");
    // supervise replaces the stale file: between its unlink and its listen the path is absent.
    await until(() => statSync(socket, { throwIfNoEntry: false })?.isSocket() === true, "its socket listens");
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    if (process.getuid?.() === 0) {
      // Another uid (nobody) is refused by the socket's own mode: the directory lets it through.
      chmodSync(dir, 0o755);
      const probe =
        "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ntry:\n s.connect(sys.argv[1]); print('connected')\nexcept OSError as e: print(e.errno)";
      const asNobody = spawnSync("setpriv", [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "/usr/bin/python3",
        "-c",
        probe,
        socket,
      ], { encoding: "utf8" });
      assert.equal(asNobody.stdout.trim(), String(osConstants.errno.EACCES), asNobody.stderr);
    }
    const second = supervise(tree, ["--json", "--socket", socket], dir);
    assert.equal(await second.exited, 2);
    assert.match(second.stderr(), /another supervise listens on .*ctl\.sock/);
    assert.equal((await ctl(socket, "status")).code, 0, "the first one still answers");
    await stopAndCheck(first, []);
    assert.equal(existsSync(socket), false, "the socket goes with it");
  }),
);

test(
  "ctl does not wait on a stopped supervise: no reply within --timeout is exit 1 naming the socket; a bad --timeout is exit 2",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const socket = join(dir, "hung.sock");
    const run = supervise({ id: "hung", children: [{ id: "s", command: "sleep", args: ["60.33"] }] }, [
      "--json",
      "--socket",
      socket,
    ], dir);
    await until(() => statSync(socket, { throwIfNoEntry: false })?.isSocket() === true, "its socket listens");
    run.kill("SIGSTOP");
    try {
      const asked = performance.now();
      const hung = await ctl(socket, "--timeout", "0.5", "status");
      assert.equal(hung.code, 1);
      assert.match(hung.err, /no reply from .*hung\.sock within 0\.5 s: is supervise stopped or hung\?/);
      assert.ok(performance.now() - asked < 10_000);
    } finally {
      run.kill("SIGCONT");
    }
    assert.equal((await ctl(socket, "status")).code, 0, "once it runs again, it answers");
    const bad = await ctl(socket, "--timeout", "soon", "status");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--timeout must be a number of seconds .* got "soon"/);
    await stopAndCheck(run, []);
    assert.deepEqual(processesWith("sleep 60.33"), []);
  }),
);

test(
  "start --daemon whose runtime cannot start says why: the reason from its log, and exit 1",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const file = join(dir, "tree.json");
    writeFileSync(file, JSON.stringify({ id: "bad", children: [{ id: "s", command: "sleep", args: ["60.32"] }] }));
    const pidfile = join(dir, "missing/bad.pid");
    const started = await cli("start", file, "--daemon", "--socket", join(dir, "bad.sock"), "--pidfile", pidfile);
    assert.equal(started.code, 1);
    assert.match(
      started.err,
      /exited with code 2 before it was up: Cannot write the pidfile .*bad\.pid: ENOENT.*\(see .*supervise-bad\.log\)/,
    );
    assert.deepEqual(processesWith("sleep 60.32"), []);
  }),
);

test(
  "start --daemon detaches: a pidfile, a log file, the socket answers; ctl shutdown stops it and leaves nothing",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const file = join(dir, "tree.json");
    writeFileSync(file, JSON.stringify({ id: "bg", children: [{ id: "s", command: "sleep", args: ["63"] }] }));
    const socket = join(dir, "bg.sock");
    const { code, out, err } = await cli("start", file, "--daemon", "--socket", socket);
    assert.equal(code, 0, err);
    assert.match(out, /bg runs as pid \d+; socket .*bg\.sock; log .*supervise-bg\.log/);
    const pid = Number(readFileSync(`${socket}.pid`, "utf8"));
    assert.equal(isAlive(pid), true);
    assert.equal((await ctl(socket, "status")).code, 0);
    assert.equal((await ctl(socket, "shutdown")).code, 0);
    await until(() => !isAlive(pid), "the daemon exited");
    assert.equal(existsSync(`${socket}.pid`), false, "its pidfile is gone");
    assert.deepEqual(processesWith("sleep 63"), []);
    assert.match(readFileSync(join(dir, "supervise-bg.log"), "utf8"), /"type":"child_started"/);
  }),
);
