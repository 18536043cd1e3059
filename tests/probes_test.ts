import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ActorSystem, askCheck, type Behavior, HealthCheckError, type Liveness, supervisor } from "../mod.ts";
import { osProcess, type OsProcessRef, pause, probeCheck, type Readiness, ReadinessError } from "../osl/mod.ts";
import { fixture, freePort, isAlive, nextEvent, record } from "./_helpers.ts";

/** Starts `first` (with `readiness`) then a sibling; returns what the sibling saw when it started. */
async function siblingSees<T>(
  system: ActorSystem,
  first: ReturnType<typeof osProcess>,
  look: () => Promise<T> | T,
): Promise<T> {
  let seen: T | undefined;
  const sibling: Behavior<undefined, never> = { init: async () => void (seen = await look()), receive: (s) => s };
  const sup = system.spawn(
    supervisor({
      strategy: "one_for_one",
      children: [{ id: "first", start: first }, { id: "sibling", start: sibling }],
    }),
  );
  assert.deepEqual((await sup.whichChildren()).map((r) => r.status), ["running", "running"]);
  return seen!;
}

test("readiness httpUrl: the next sibling starts only once GET answers 2xx", async () => {
  await using system = new ActorSystem();
  const port = await freePort();
  const server = osProcess({
    command: "node",
    args: [fixture("http_server.mjs")],
    env: { PORT: String(port), DELAY_MS: "300" },
    readiness: { httpUrl: `http://127.0.0.1:${port}/`, timeoutMs: 10_000 },
  });
  const status = await siblingSees(system, server, async () => (await fetch(`http://127.0.0.1:${port}/`)).status);
  assert.equal(status, 200);
});

test("readiness logLine: the next sibling starts only once a matching line was printed", async () => {
  await using system = new ActorSystem();
  const server = osProcess({
    command: "sh",
    args: ["-c", "echo starting; sleep 0.3; echo 'listening on 4000'; sleep 60"],
    readiness: { logLine: /listening on \d+/ },
  });
  const lines: string[] = [];
  const off = system.events.subscribe((e) => e.type === "log" && lines.push(e.line));
  const seen = await siblingSees(system, server, () => [...lines]);
  off();
  assert.deepEqual(seen, ["starting", "listening on 4000"]);
});

test("readiness ipcMessage: the next sibling starts only once the child sent the message", async () => {
  await using system = new ActorSystem();
  let sent = false;
  system.events.subscribe((e) => e.type === "log" && e.line === "sending" && (sent = true));
  const worker = osProcess({
    command: "node",
    args: [
      "-e",
      "setTimeout(() => { console.log('sending'); process.send('ready'); }, 300); setInterval(() => {}, 1000)",
    ],
    readiness: { ipcMessage: "ready", timeoutMs: 10_000 },
  });
  assert.equal(await siblingSees(system, worker, () => sent), true);
});

for (
  const readiness of [{ logLine: "never printed", timeoutMs: 300 }, {
    ipcMessage: "ready",
    timeoutMs: 300,
  }] as Readiness[]
) {
  test(`readiness ${Object.keys(readiness)[0]}: no sign within timeoutMs fails the start and kills the process`, async () => {
    await using system = new ActorSystem();
    const failed = nextEvent(system, "child_start_failed");
    system.spawn(
      supervisor({
        strategy: "one_for_one",
        children: [{ id: "mute", start: osProcess({ command: "sleep", args: ["60"], readiness }) }],
      }),
    );
    assert.match(String(((await failed).error as Error).message), /Readiness timed out: .* within 300 ms/);
  });
}

test("liveness: a hung (SIGSTOPped) server fails its checks and is restarted", { timeout: 30_000 }, async () => {
  await using system = new ActorSystem();
  const events = record(system);
  const port = await freePort();
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [{
      id: "web",
      shutdown: 2000,
      start: osProcess({
        command: "node",
        args: [fixture("http_server.mjs")],
        env: { PORT: String(port) },
        readiness: { tcpPort: port },
      }),
      liveness: {
        check: probeCheck({ httpUrl: `http://127.0.0.1:${port}/` }),
        intervalMs: 100,
        timeoutMs: 300,
        failureThreshold: 3,
      },
    }],
  }));
  const [row] = await sup.whichChildren();
  const exited = nextEvent(system, "child_exited");
  const restarted = nextEvent(system, "child_restarted");
  assert.equal(pause(row.ref as OsProcessRef), true);
  const { reason } = await exited;
  const error = (reason as { error: HealthCheckError }).error;
  assert.ok(error instanceof HealthCheckError, `exit reason ${JSON.stringify(reason)}`);
  assert.equal(error.failures, 3);
  assert.deepEqual(
    events.filter((e) => e.type === "health_check_failed").map((e) => e.type === "health_check_failed" && e.failures),
    [1, 2, 3],
  );
  const { pid } = await restarted;
  assert.notEqual(pid, row.pid);
  assert.equal(isAlive(row.pid!), false, "the hung process was stopped");
});

test("liveness for an actor: an unhealthy reply to askCheck restarts it", async () => {
  await using system = new ActorSystem();
  let healthy = true;
  const cache: Behavior<undefined, "ping"> = { receive: (s, _m, ctx) => (ctx.reply(healthy ? "ok" : "degraded"), s) };
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [{
      id: "cache",
      start: cache,
      liveness: { check: askCheck("ping", (r) => r === "ok"), intervalMs: 20, failureThreshold: 2 },
    }],
  }));
  await sup.whichChildren();
  const exited = nextEvent(system, "child_exited");
  const restarted = nextEvent(system, "child_restarted");
  healthy = false;
  const error = ((await exited).reason as { error: HealthCheckError }).error;
  assert.ok(error instanceof HealthCheckError);
  assert.match(String((error.cause as Error).message), /degraded/);
  healthy = true;
  await restarted;
});

test("liveness is validated up front, naming the field", () => {
  const start: Behavior<undefined, never> = { receive: (s) => s };
  assert.throws(
    () => supervisor({ strategy: "one_for_one", children: [{ id: "c", start, liveness: { check: "ping" as never } }] }),
    / at children\[0\]\.liveness\.check: must be a function/,
  );
  assert.throws(
    () =>
      supervisor({
        strategy: "one_for_one",
        children: [{ id: "c", start, liveness: { check: askCheck("x"), failureThreshold: 0 } }],
      }),
    /Invalid child spec at children\[0\]\.liveness\.failureThreshold: must be a positive integer \(got 0\)/,
  );
});

/** A redis-server on a free port, as a supervised child with `liveness`. */
async function redisChild(liveness: (port: number) => Liveness) {
  const port = await freePort();
  return {
    port,
    spec: {
      id: "redis",
      shutdown: 2000,
      start: osProcess({
        command: "redis-server",
        args: ["--port", String(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
        readiness: { exec: ["redis-cli", "-p", String(port), "ping"], timeoutMs: 10_000 },
      }),
      liveness: liveness(port),
    },
  };
}

test("exec liveness sees a hung daemon: a SIGSTOPped redis still accepts TCP, redis-cli ping does not answer", {
  timeout: 30_000,
}, async () => {
  await using system = new ActorSystem();
  const { spec, port } = await redisChild((p) => ({
    check: probeCheck({ exec: ["redis-cli", "-p", String(p), "ping"], execTimeoutMs: 300 }),
    intervalMs: 200,
    timeoutMs: 500,
    failureThreshold: 2,
  }));
  const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [spec] }));
  const [row] = await sup.whichChildren();
  const restarted = nextEvent(system, "child_restarted");
  pause(row.ref as OsProcessRef);
  assert.equal(
    await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: "127.0.0.1" }, () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    }),
    true,
    "the stopped redis still completes a TCP handshake",
  );
  const { pid } = await restarted;
  assert.notEqual(pid, row.pid);
  assert.equal(isAlive(row.pid!), false, "the hung redis was stopped");
});

test(
  "whatever the probe, a process stopped for a whole liveness interval fails it: a tcpPort check on a SIGSTOPped redis",
  { timeout: 30_000 },
  async () => {
    await using system = new ActorSystem();
    const { spec } = await redisChild((p) => ({
      check: probeCheck({ tcpPort: p }),
      intervalMs: 200,
      failureThreshold: 2,
    }));
    const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [spec] }));
    const [row] = await sup.whichChildren();
    const failed = nextEvent(system, "health_check_failed");
    const restarted = nextEvent(system, "child_restarted");
    pause(row.ref as OsProcessRef);
    assert.match(String(((await failed).error as Error).message), /is stopped .* for a whole liveness interval/);
    await restarted;
  },
);

test("tcpPort readiness passes only for the child's own socket: a port held by another process fails the start at once, naming its pid", async () => {
  await using system = new ActorSystem();
  const foreign = createServer();
  await new Promise<void>((resolve) => foreign.listen(0, "127.0.0.1", resolve));
  const { port } = foreign.address() as AddressInfo;
  try {
    const failed = nextEvent(system, "child_start_failed");
    const started = performance.now();
    system.spawn(supervisor({
      strategy: "one_for_one",
      children: [{
        id: "late",
        start: osProcess({ command: "sleep", args: ["60"], readiness: { tcpPort: port, timeoutMs: 20_000 } }),
      }],
    }));
    const error = (await failed).error as Error;
    assert.match(error.message, new RegExp(`port ${port} is held by another process \\(pid ${process.pid}\\)`));
    assert.ok(performance.now() - started < 10_000, "refused at once, not at the timeout");
  } finally {
    foreign.close();
  }
});

test("every probe fails at once when the child exits first", async () => {
  await using system = new ActorSystem();
  const failed = nextEvent(system, "child_start_failed");
  const started = performance.now();
  system.spawn(supervisor({
    strategy: "one_for_one",
    children: [{
      id: "quitter",
      start: osProcess({ command: "sh", args: ["-c", "exit 4"], readiness: { exec: ["false"], timeoutMs: 20_000 } }),
    }],
  }));
  const error = (await failed).error as ReadinessError;
  assert.ok(error instanceof ReadinessError && error.exited, String(error));
  assert.ok(performance.now() - started < 10_000);
});

test("exec readiness: the next sibling starts once the command exits 0", async () => {
  await using system = new ActorSystem();
  const dir = mkdtempSync(join(tmpdir(), "airssys-exec-"));
  const flag = join(dir, "ready");
  try {
    const slow = osProcess({
      command: "sh",
      args: ["-c", `sleep 0.3; touch ${flag}; sleep 60`],
      readiness: { exec: ["test", "-f", flag] },
    });
    assert.equal(await siblingSees(system, slow, () => existsSync(flag)), true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
