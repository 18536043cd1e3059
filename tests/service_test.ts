import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { main } from "../cli/main.ts";
import { CLI, isAlive, supervise, until, withTempDir } from "./_helpers.ts";

// supervise under systemd: the unit it prints, and the sd_notify protocol it speaks
// (READY=1 once the root tree is up, WATCHDOG=1 pings, STOPPING=1), heard by a real
// Unix datagram socket standing in for systemd's.

test(
  "systemd-unit prints a Type=notify unit whose ExecStart runs this config with its socket",
  withTempDir(async (dir) => {
    const file = join(dir, "tree.json");
    writeFileSync(file, JSON.stringify({ id: "svc", children: [{ id: "s", command: "sleep", args: ["1"] }] }));
    let out = "";
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (out += t) } };
    assert.equal(await main(["systemd-unit", file, "--metrics", "127.0.0.1:9464"], io), 0, out);
    const lines = out.split("\n");
    assert.ok(lines.includes("Type=notify"));
    assert.ok(lines.includes("KillMode=mixed"), "SIGTERM goes to supervise alone, which stops the tree in order");
    assert.ok(lines.includes("ExecReload=/bin/kill -HUP $MAINPID"), "systemctl reload is a config reload");
    assert.ok(lines.includes(`WorkingDirectory=${dir}`));
    const exec = lines.find((l) => l.startsWith("ExecStart="))!;
    assert.ok(exec.startsWith(`ExecStart=${process.execPath} `), exec);
    assert.ok(exec.includes(CLI), exec);
    assert.ok(
      exec.endsWith(`run ${file} --socket ${join(dir, ".supervise-svc.sock")} --metrics 127.0.0.1:9464 --json`),
      exec,
    );
    const verify = spawnSync("systemd-analyze", ["--version"]);
    if (verify.status === 0) {
      writeFileSync(join(dir, "svc.service"), out);
      const checked = spawnSync("systemd-analyze", ["verify", join(dir, "svc.service")], { encoding: "utf8" });
      assert.equal(checked.status, 0, checked.stderr);
    }
  }),
);

/** A Unix datagram socket at `path` (python3: Node has none) whose received messages land in `messages`. */
async function notifySocket(path: string) {
  const script = "import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\n" +
    "print('bound',flush=True)\nwhile True:\n print(s.recv(4096).decode().replace('\\n',' '),flush=True)";
  const listener = spawn("python3", ["-c", script, path], { stdio: ["ignore", "pipe", "inherit"] });
  const messages: string[] = [];
  createInterface({ input: listener.stdout }).on("line", (line) => messages.push(line));
  await until(() => messages[0] === "bound", "the notify socket is bound");
  messages.shift();
  return { messages, close: () => listener.kill("SIGKILL") };
}

test(
  "under systemd: READY=1 after every child of the tree started, watchdog pings at half WATCHDOG_USEC, STOPPING=1 on SIGTERM",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const systemd = await notifySocket(join(dir, "notify.sock"));
    try {
      const tree = {
        id: "svc",
        children: [
          { id: "a", command: "sleep", args: ["60"], readiness: { exec: ["true"] } },
          { id: "inner", children: [{ id: "b", command: "sleep", args: ["61"] }] },
        ],
      };
      const run = supervise(tree, ["--json", "--socket", join(dir, "ctl.sock")], dir, {
        NOTIFY_SOCKET: join(dir, "notify.sock"),
        WATCHDOG_USEC: "200000",
      });
      await until(() => systemd.messages.some((m) => m.includes("READY=1")), "READY=1", 20_000);
      const started = run.events.filter((e) => e.type === "child_started").map((e) => e.path).sort();
      assert.deepEqual(started, ["svc/a", "svc/inner", "svc/inner/b"], "READY=1 comes after the whole tree is up");
      assert.ok(systemd.messages.find((m) => m.includes("READY=1"))!.includes(`MAINPID=`));
      await until(() => systemd.messages.filter((m) => m === "WATCHDOG=1").length >= 3, "three watchdog pings");
      const pids = run.events.flatMap((e) => (e.type === "child_started" && typeof e.pid === "number" ? [e.pid] : []));
      run.kill("SIGTERM");
      assert.equal(await run.exited, 0, run.stderr());
      await until(() => systemd.messages.includes("STOPPING=1"), "STOPPING=1");
      assert.deepEqual(pids.filter(isAlive), []);
    } finally {
      systemd.close();
    }
  }),
);
