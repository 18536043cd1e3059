import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  type ActorRef,
  ActorStoppedError,
  ActorSystem,
  type DownSignal,
  ExitSignal,
  type SystemEvent,
} from "../mod.ts";
import { type ClusterNode, joinCluster, RemoteRef } from "../cluster/mod.ts";
import { killNodes, type Nats, type NodeProcess, startNats, startNode } from "./_cluster.ts";
import { freePort, processesWith, runScript, supervise, until, withTempDir } from "./_helpers.ts";

// A real cluster: nats-server -js on a free port, three node processes (one each on
// Deno, Bun and Node 24, tests/fixtures/cluster_node.ts) and this test's own node "t".

const BEAT_MS = 200;
const MISSED = 3; // the default
/** An ask answered, refused as noproc, or refused as noconnection: the bound, far below any timeout. */
const ASKED_MS = 50;
let clusters = 0;

interface Cluster {
  nats: Nats;
  name: string;
  nodes: NodeProcess[];
  system: ActorSystem;
  t: ClusterNode;
  events: SystemEvent[];
}

/** Runs `fn` against a fresh cluster; whatever happens, everything it started is gone after. */
function withCluster(fn: (c: Cluster) => Promise<void>): () => Promise<void> {
  return async () => {
    const nats = await startNats();
    const name = `c${process.pid}x${++clusters}`;
    const nodes = [
      startNode("deno", nats, name, "d", BEAT_MS),
      startNode("bun", nats, name, "b", BEAT_MS),
      startNode("node", nats, name, "n", BEAT_MS),
    ];
    const system = new ActorSystem();
    const events: SystemEvent[] = [];
    system.events.subscribe((e) => void events.push(e));
    let t: ClusterNode | undefined;
    try {
      await Promise.all(nodes.map((n) => n.ready));
      t = await joinCluster(system, { servers: nats.url, cluster: name, node: "t", heartbeatMs: BEAT_MS });
      await until(() => t!.members().filter((m) => m.status === "up").length === 4, "all four nodes up", 20_000);
      await fn({ nats, name, nodes, system, t, events });
    } finally {
      await t?.leave().catch(() => {});
      await system.shutdown();
      await killNodes(nodes).finally(() => nats.dispose());
    }
  };
}

/** The ref registered as `name`, once some node registered it. */
async function named<M = unknown>(t: ClusterNode, name: string): Promise<ActorRef<M>> {
  let ref: ActorRef<unknown> | undefined;
  await until(async () => (ref = await t.whereis(name))?.alive === true, `${name} is registered`, 20_000);
  return ref as ActorRef<M>;
}

/** Resolves once nats-server answers a request on `subject` with "no responders". */
async function noResponders(nats: Nats, subject: string): Promise<void> {
  const { connect } = await import("@nats-io/transport-node");
  const raw = await connect({ servers: nats.url });
  try {
    await until(
      () =>
        raw.request(subject, new Uint8Array(0), { timeout: 1000 }).then(
          () => false,
          (e) => /no responders/i.test(String(e)),
        ),
      `nats-server has no responders on ${subject}`,
    );
  } finally {
    await raw.close();
  }
}

/** Spawns an actor that traps exits and keeps every message; `got` resolves on the first one `match` accepts. */
function probe(
  system: ActorSystem,
  setup: (ctx: { monitor(r: ActorRef<unknown>): symbol; link(r: ActorRef<unknown>): void }) => void,
) {
  const got: unknown[] = [];
  const ref = system.spawn<unknown>({
    init: (ctx) => {
      ctx.trapExits = true;
      setup(ctx);
      return undefined;
    },
    receive: (s, m) => (got.push(m), s),
  });
  return { ref, got };
}

test(
  "three nodes on Deno, Bun and Node 24 converge; every member sees the same four; a second node of a name in use is refused",
  { timeout: 120_000 },
  withCluster(async ({ t, nodes, nats, name }) => {
    assert.deepEqual(t.members().map((m) => m.node).sort(), ["b", "d", "n", "t"]);
    for (const node of nodes) {
      const others = ["b", "d", "n", "t"].filter((n) => n !== node.name);
      const seen = () => new Set(node.events.filter((e) => e.type === "node_up").map((e) => e.node));
      await until(() => others.every((n) => seen().has(n)), `${node.name} sees the other three`);
    }
    await using other = new ActorSystem();
    const options = { servers: nats.url, cluster: name, heartbeatMs: BEAT_MS };
    await assert.rejects(joinCluster(other, { ...options, node: "d" }), {
      message: /Cannot join as node "d": a node of that name is up \(incarnation \d+\)/,
    });
    await t.leave(); // the name is free once its node left
    const again = await joinCluster(other, { ...options, node: "t" });
    assert.notEqual(again.incarnation, t.incarnation);
    await again.leave();
  }),
);

test(
  "remote refs: 10,000 numbered sends arrive in order across runtimes; ask answers, noproc, refs inside messages, structured values",
  { timeout: 120_000 },
  withCluster(async ({ t, system }) => {
    const collector = await named<unknown>(t, "n.collector");
    assert.ok(collector instanceof RemoteRef);
    // From this node, then from the Bun node to the Node one: the ref travels inside the message.
    for (let i = 0; i < 10_000; i++) collector.send(i);
    assert.deepEqual(await collector.ask("list", { timeoutMs: 20_000 }), Array.from({ length: 10_000 }, (_, i) => i));
    const other = await named(t, "d.collector");
    const bunCtl = await named(t, "b.ctl");
    assert.equal(await bunCtl.ask({ op: "flood", to: other, count: 10_000 }, { timeoutMs: 20_000 }), 10_000);
    assert.deepEqual(await other.ask("list", { timeoutMs: 20_000 }), Array.from({ length: 10_000 }, (_, i) => i));

    const echo = await named(t, "b.echo");
    const value = {
      m: new Map([[1, "a"]]),
      s: new Set([2]),
      d: new Date(5),
      big: 2n ** 70n,
      bytes: new Uint8Array([1, 2]),
      e: new Error("x"),
    };
    const back = await echo.ask(value) as typeof value;
    assert.deepEqual([back.m, back.s, back.d, back.big, back.bytes], [
      value.m,
      value.s,
      value.d,
      value.big,
      value.bytes,
    ]);
    assert.ok(back.e instanceof Error && back.e.message === "x");
    const self = await echo.ask(echo);
    assert.equal(self, echo, "a ref that comes back is the same ref");
    const mine = system.spawn({ init: () => 0, receive: (n: number) => n });
    assert.equal(await t.register("t.mine", mine), true);
    const ctl = await named(t, "d.ctl");
    let found: unknown;
    // whereis answers from each node's watched copy of the registry: it sees the name a moment later.
    await until(async () => (found = await ctl.ask({ op: "whereis", name: "t.mine" })) !== undefined, "d sees t.mine");
    assert.equal(found, mine, "another node finds it; back here it is the local ref");
    assert.throws(() => echo.send({ f: () => 1 }), {
      name: "TypeError",
      message: /Cannot send this message to another node/,
    });
    // Over NATS' max_payload (1 MiB): refused at send. Just under it, after small sends: all arrive, in order.
    assert.throws(() => echo.send(new Uint8Array(2 ** 21)), {
      name: "RangeError",
      message: /over the bus's limit of 1048576 bytes/,
    });
    await assert.rejects(echo.ask(new Uint8Array(2 ** 21)), { name: "RangeError" });
    const big = await named(t, "b.collector");
    const small = (i: number) => String(i).padStart(100, "."); // 100 of them and the big one: over 1 MiB together
    for (let i = 0; i < 100; i++) big.send(small(i));
    big.send(new Uint8Array(1_040_000));
    big.send("last");
    const got = await big.ask("sizes", { timeoutMs: 20_000 }) as unknown[];
    assert.equal(got.length, 102);
    assert.deepEqual(got.slice(98), [small(98), small(99), 1_040_000, "last"]);
    // The collector answers nothing but "list" and "sizes": an ask of anything else ends by its timeout or signal.
    await assert.rejects(big.ask("no answer", { timeoutMs: 300 }), { name: "AskTimeoutError" });
    const aborted = AbortSignal.abort(new Error("given up"));
    await assert.rejects(big.ask("nor this", { signal: aborted }), { message: "given up" });
    const late = new AbortController();
    const pending = big.ask("nor that", { signal: late.signal, timeoutMs: 60_000 });
    setTimeout(() => late.abort(new Error("given up later")), 50);
    await assert.rejects(pending, { message: "given up later" });

    // An answer, and noproc from an actor that exited asked through a ref kept from before:
    // each within ASKED_MS (the ask's own timeout is 10 s).
    const crasher = await named<string>(t, "d.crasher");
    let started = performance.now();
    assert.equal(await crasher.ask("hi", { timeoutMs: 10_000 }), "hi");
    assert.ok(performance.now() - started < ASKED_MS, `answered after ${performance.now() - started} ms`);
    await crasher.stop();
    assert.equal(crasher.alive, false);
    started = performance.now();
    await assert.rejects(
      crasher.ask("hi", { timeoutMs: 10_000 }),
      (e) => e instanceof ActorStoppedError && e.reason === "noproc",
    );
    assert.ok(performance.now() - started < ASKED_MS, `noproc after ${performance.now() - started} ms`);
  }),
);

test(
  "remote monitor and link: the actor's reason, noproc for one already dead; a trapping linker gets ExitSignal, a plain one dies",
  { timeout: 120_000 },
  withCluster(async ({ t, system }) => {
    const crasher = await named<string>(t, "n.crasher");
    const watcher = probe(system, (ctx) => ctx.monitor(crasher));
    const linked = probe(system, (ctx) => ctx.link(crasher));
    const plain = system.spawn<unknown>({ init: (ctx) => (ctx.link(crasher), 0), receive: (s) => s });
    await new Promise((r) => setTimeout(r, 100)); // the link and monitor requests go first, in order
    crasher.send("crash");
    await until(() => watcher.got.length === 1 && linked.got.length === 1, "DOWN and EXIT arrived");
    const down = watcher.got[0] as DownSignal;
    assert.equal(down.ref, crasher);
    assert.match(String((down.reason as { error: Error }).error.message), /crasher on n crashed/);
    assert.ok(linked.got[0] instanceof ExitSignal);
    await until(() => !plain.alive, "the non-trapping linked actor died with it");
    const late = probe(system, (ctx) => ctx.monitor(crasher)); // dead already: noproc
    await until(() => late.got.length === 1, "noproc DOWN");
    assert.equal((late.got[0] as DownSignal).reason, "noproc");
  }),
);

test(
  "three nodes race to register one name: exactly one wins; reregister takes it over, and the old holder's exit does not free it",
  { timeout: 120_000 },
  withCluster(async ({ t, system }) => {
    const ctls = await Promise.all(["d", "b", "n"].map((n) => named(t, `${n}.ctl`)));
    const echoes = await Promise.all(["d", "b", "n"].map((n) => named(t, `${n}.echo`)));
    const wins = await Promise.all(ctls.map((ctl, i) => ctl.ask({ op: "register", name: "leader", ref: echoes[i] })));
    assert.equal(wins.filter(Boolean).length, 1, String(wins));
    const leader = await t.whereis("leader");
    assert.equal(leader, echoes[wins.indexOf(true)]);

    const mine = system.spawn({ init: () => 0, receive: (n: number) => n });
    await t.reregister("leader", mine); // OTP's global:re_register_name/2
    assert.equal(await t.whereis("leader"), mine);
    await leader!.stop(); // the old holder exits: its revision-checked delete must not free the new registration
    const ctl = ctls[wins.indexOf(true)];
    await until(
      async () => (await ctl.ask({ op: "whereis", name: "leader" })) === mine,
      "its node sees the new holder",
    );
    assert.equal(await t.whereis("leader"), mine);
  }),
);

test(
  "SIGKILL of a node: noconnection within heartbeatMs x (downAfterMissed + 1), its names freed, its singleton restarted elsewhere",
  { timeout: 120_000 },
  withCluster(async ({ t, nodes, system, events, nats, name }) => {
    const ctls = await Promise.all(nodes.map((n) => named(t, `${n.name}.ctl`)));
    await Promise.all(ctls.map((ctl) => ctl.ask({ op: "singleton", id: "single" })));
    const single = await named(t, "single");
    const host = nodes.find((n) => n.name === (single as RemoteRef<unknown>).node)!;
    const echo = await named(t, `${host.name}.echo`);
    const watcher = probe(system, (ctx) => ctx.monitor(echo));
    await new Promise((r) => setTimeout(r, 100));
    const killed = performance.now();
    host.signal("SIGKILL");
    await host.exited;
    // nats-server drops the dead node's subscriptions once it has read the closed socket (a
    // moment after the exit, longer on a loaded machine); from then on it says "no responders".
    const incarnation = t.members().find((m) => m.node === host.name)!.incarnation;
    await noResponders(nats, `airssys.${name}.node.${host.name}.${incarnation}.r`);
    const asked = performance.now();
    await assert.rejects(
      echo.ask("hi", { timeoutMs: 10_000 }),
      (e) => e instanceof ActorStoppedError && e.reason === "noconnection",
    );
    const answered = performance.now() - asked;
    assert.ok(answered < ASKED_MS, `noconnection after ${answered} ms: at once (no responders), not at down detection`);
    await until(() => watcher.got.length === 1, "DOWN noconnection", 10_000);
    const detected = performance.now() - killed;
    assert.equal((watcher.got[0] as DownSignal).reason, "noconnection");
    assert.ok(detected <= BEAT_MS * (MISSED + 1) + 250, `detected after ${detected.toFixed(0)} ms`);
    assert.ok(events.some((e) => e.type === "node_down" && e.node === host.name && e.reason === "net_tick_timeout"));
    await until(async () => (await t.whereis(`${host.name}.echo`)) === undefined, "its names are freed", 10_000);
    assert.equal(echo.send("after"), false, "a send to a node declared down is refused");
    assert.ok(events.some((e) => e.type === "dead_letter" && e.message === "after" && e.reason === "noconnection"));
    const moved = await named(t, "single");
    assert.notEqual((moved as RemoteRef<unknown>).node, host.name);
    assert.equal(await moved.ask("still here"), "still here");
  }),
);

test(
  "SIGSTOP then SIGCONT: the node comes back as a new incarnation; refs to the old one stay dead",
  { timeout: 120_000 },
  withCluster(async ({ t, nodes, events }) => {
    const paused = nodes[1];
    const old = await named(t, `${paused.name}.echo`);
    const before = t.members().find((m) => m.node === paused.name)!.incarnation;
    paused.signal("SIGSTOP");
    await until(() => events.some((e) => e.type === "node_down" && e.node === paused.name), "declared down", 10_000);
    assert.equal(old.alive, false);
    paused.signal("SIGCONT");
    await until(
      () => t.members().some((m) => m.node === paused.name && m.status === "up" && m.incarnation !== before),
      "back as a new incarnation",
      20_000,
    );
    assert.equal(old.alive, false, "the old ref stays dead");
    await assert.rejects(old.ask("hi"), (e) => e instanceof ActorStoppedError);
    const fresh = await named(t, `${paused.name}.echo`);
    assert.notEqual(fresh, old);
    assert.equal(await fresh.ask("hi"), "hi");
  }),
);

test(
  "restart of nats-server: sends while disconnected are dead letters (nothing replayed); every node sees it, comes back, refs work again",
  { timeout: 120_000 },
  withCluster(async ({ t, nats, nodes, events }) => {
    const collector = await named(t, "d.collector");
    await nats.stop();
    // The connection's loss is seen a moment later: from then on, send says false.
    await until(() => collector.send("while down") === false, "send refuses while disconnected");
    const dead = events.filter((e) => e.type === "dead_letter" && e.reason === "noconnection");
    assert.ok(dead.length >= 1 && dead.every((e) => e.type === "dead_letter" && e.message === "while down"));
    await new Promise((r) => setTimeout(r, BEAT_MS * (MISSED + 2))); // longer than the detection window
    await nats.start();
    await until(() => t.members().filter((m) => m.status === "up").length === 4, "all four up again", 30_000);
    for (const node of nodes) {
      const echo = await named(t, `${node.name}.echo`);
      assert.equal(await echo.ask(node.name, { timeoutMs: 10_000 }), node.name);
    }
    const list = await (await named(t, "d.collector")).ask("list", { timeoutMs: 10_000 }) as unknown[];
    assert.equal(list.includes("while down"), false, "no send made while disconnected was replayed");
  }),
);

test(
  "garbage on every subject of the cluster (from anyone on the bus) is ignored: no node crashes, every node still answers",
  { timeout: 120_000 },
  withCluster(async ({ t, nats, name, nodes }) => {
    const { connect } = await import("@nats-io/transport-node");
    const { encode } = await import("cbor-x");
    const raw = await connect({ servers: nats.url });
    const junk = [
      new Uint8Array([0xff, 0x00, 0x13]),
      encode(null),
      encode(5),
      encode([0, 5, "x"]),
      encode([0]),
      encode(["link", 1, 2]),
      encode(["link", "<1>", [1, 2, 3]]),
      encode(["down", "k", "normal"]),
      encode(["monitor", "<1>", ["x", 1, "<1>"], 7]),
      encode(["ask"]),
      encode(["stop", null]),
      encode(["beat", 1, "x"]),
      encode(["quarantined", null, null]),
      encode([[1, 2], 3]),
    ];
    const subjects = [`airssys.${name}.beat`];
    for (const m of t.members()) {
      for (const kind of ["m", "r"]) subjects.push(`airssys.${name}.node.${m.node}.${m.incarnation}.${kind}`);
    }
    try {
      for (const subject of subjects) {
        for (const data of junk) {
          if (subject.endsWith(".r")) raw.request(subject, data, { timeout: 200 }).catch(() => {});
          else raw.publish(subject, data);
        }
      }
      await raw.flush();
    } finally {
      await raw.close();
    }
    for (const node of nodes) {
      const echo = await named(t, `${node.name}.echo`);
      assert.equal(await echo.ask(node.name, { timeoutMs: 10_000 }), node.name);
      assert.equal(node.stderr(), "", `${node.name} printed no error`);
    }
    assert.equal(t.members().filter((m) => m.status === "up").length, 4);
  }),
);

test(
  "seeded chaos across nodes: crashes and asks interleaved; every ask answers or fails as OTP says; the cluster settles",
  {
    timeout: 120_000,
  },
  withCluster(async ({ t, nodes }) => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const outcomes = { answered: 0, stopped: 0 };
    for (let round = 0; round < 60; round++) {
      const node = nodes[Math.floor(random() * nodes.length)];
      const crasher = await t.whereis(`${node.name}.crasher`);
      if (crasher === undefined) continue; // being restarted
      if (random() < 0.4) crasher.send("crash");
      try {
        assert.equal(await crasher.ask(round, { timeoutMs: 5_000 }), round);
        outcomes.answered++;
      } catch (error) {
        assert.ok(error instanceof ActorStoppedError, String(error));
        outcomes.stopped++;
      }
    }
    assert.ok(outcomes.answered > 0 && outcomes.answered + outcomes.stopped > 0, JSON.stringify(outcomes));
    for (const node of nodes) assert.equal(await (await named(t, `${node.name}.crasher`)).ask("ok"), "ok");
  }),
);

test(
  "bad options are refused naming the field; an unreachable NATS is a clear error",
  { timeout: 60_000 },
  async () => {
    await using system = new ActorSystem();
    await assert.rejects(joinCluster(system, { servers: "nats://127.0.0.1:1", cluster: "x", node: "a.b" }), {
      name: "TypeError",
      message: /Invalid cluster options at node: must be letters, digits/,
    });
    await assert.rejects(joinCluster(system, { cluster: "x", node: "a" }), { message: /at servers: is required/ });
    await assert.rejects(
      joinCluster(system, { servers: "nats://127.0.0.1:1", cluster: "x", node: "a", heartbeatMs: 0 }),
      {
        name: "RangeError",
        message: /heartbeatMs/,
      },
    );
    await assert.rejects(
      joinCluster(system, { servers: "nats://127.0.0.1:1", cluster: "x", node: "a", heartbeatMs: 2 ** 40 }),
      { name: "RangeError", message: /at heartbeatMs: must be a whole number of ms from 10 to 60000/ },
    );
    const port = await freePort();
    await assert.rejects(joinCluster(system, { servers: `nats://127.0.0.1:${port}`, cluster: "x", node: "a" }), {
      message: /Cannot connect to NATS/,
    });
  },
);

test(
  "names and a singleton lease left by a node that died unseen are freed a detection window after the next node joins",
  { timeout: 120_000 },
  async () => {
    const nats = await startNats();
    const cluster = `stale${process.pid}`;
    const x = startNode("node", nats, cluster, "x", BEAT_MS);
    try {
      await x.ready;
      // x registers its names and takes the singleton "solo"; then it dies while no node runs to see it.
      await using first = new ActorSystem();
      const t1 = await joinCluster(first, { servers: nats.url, cluster, node: "t1", heartbeatMs: BEAT_MS });
      assert.equal(await (await named(t1, "x.ctl")).ask({ op: "singleton", id: "solo" }), true);
      await t1.leave();
      x.signal("SIGKILL");
      await x.exited;

      await using second = new ActorSystem();
      const t2 = await joinCluster(second, { servers: nats.url, cluster, node: "t2", heartbeatMs: BEAT_MS });
      try {
        const solo = await t2.singleton({ id: "solo", start: { init: () => 0, receive: (n: number) => n } });
        await until(async () => (await t2.whereis("x.echo")) === undefined, "x's names are freed", 10_000);
        assert.equal(await t2.register("x.echo", second.spawn({ init: () => 0, receive: (n: number) => n })), true);
        await until(() => solo.local, "the singleton whose holder died unseen runs here", 10_000);
      } finally {
        await t2.leave();
      }
    } finally {
      await killNodes([x]).finally(() => nats.dispose());
    }
  },
);

test(
  "supervise joins the cluster its config names: each child registered as <node>.<path>, again after a restart; peers see it leave",
  { timeout: 120_000 },
  withTempDir(async (dir) => {
    const nats = await startNats();
    await using system = new ActorSystem();
    const events: SystemEvent[] = [];
    system.events.subscribe((e) => void events.push(e));
    const t = await joinCluster(system, { servers: nats.url, cluster: "ops", node: "t", heartbeatMs: BEAT_MS });
    const tree = {
      id: "svc",
      cluster: { servers: nats.url, cluster: "ops", node: "host1", heartbeatMs: BEAT_MS },
      children: [{ id: "sleeper", command: "sleep", args: ["60.14"] }],
    };
    const run = supervise(tree, ["--json"], dir);
    try {
      const first = await named(t, "host1.svc/sleeper");
      assert.equal((first as RemoteRef<unknown>).node, "host1");
      const watcher = probe(system, (ctx) => ctx.monitor(first));
      const pid = Number(run.events.find((e) => e.type === "child_started")?.pid);
      await new Promise((r) => setTimeout(r, 100)); // the monitor request goes first
      process.kill(pid, "SIGKILL");
      await until(() => watcher.got.length === 1, "DOWN for the killed daemon's actor");
      assert.notEqual((watcher.got[0] as DownSignal).reason, "noconnection");
      await until(async () => {
        const now = await t.whereis("host1.svc/sleeper");
        return now !== undefined && now !== first && now.alive;
      }, "the restarted child is registered again");
      run.kill("SIGTERM");
      assert.equal(await run.exited, 0, run.stderr());
      assert.ok(events.some((e) => e.type === "node_down" && e.node === "host1" && e.reason === "leave"));
      assert.equal(await t.whereis("host1.svc/sleeper"), undefined, "its names went with it");
      assert.deepEqual(processesWith("sleep 60.14"), []);
    } finally {
      await Promise.race([run.exited, Promise.resolve().then(() => run.kill("SIGKILL"))]).catch(() => {}); // ESRCH: exited
      await run.exited;
      await t.leave().finally(() => nats.dispose());
    }
  }),
);

test(
  "a config's cluster is checked before anything starts, naming the field",
  { timeout: 60_000 },
  withTempDir(async (dir) => {
    const run = supervise(
      { cluster: { cluster: "ops", node: "a" }, children: [{ id: "s", command: "sleep", args: ["60.15"] }] },
      [],
      dir,
    );
    assert.equal(await run.exited, 2);
    assert.match(run.stderr(), /Invalid config at \$\.cluster\.servers: is required/);
    assert.deepEqual(processesWith("sleep 60.15"), []);
  }),
);

test(
  "the README's cluster example runs: b finds a's counter, asks it, and sees a leave",
  { timeout: 60_000 },
  async () => {
    const nats = await startNats();
    try {
      const [cmd, ...args] = runScript(fileURLToPath(new URL("../examples/cluster.ts", import.meta.url)), [nats.url]);
      const out = execFileSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
      assert.match(out, /^counter on a, asked from b: 1$/m);
      assert.match(out, /^b saw a go: leave$/m);
    } finally {
      await nats.dispose();
    }
  },
);
