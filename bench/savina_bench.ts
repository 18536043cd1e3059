/**
 * The Savina actor benchmark suite (Imam & Sarkar, AGERE! 2014), with the suite's
 * default parameters (its *Config.java files) and a smoke size for CI:
 *
 * | case | parameters (default) | messages |
 * |---|---|---|
 * | ping_pong | N = 40,000 pings, each answered by a pong | 2N |
 * | counting | N = 1,000,000 increments, then one query | N + 2 |
 * | fork_join_throughput | A = 60 actors, N = 10,000 messages each | A * N |
 * | fork_join_creation | N = 40,000 actors created, one message each | N |
 * | thread_ring | N = 100 actors in a ring, R = 100,000 token passes | R |
 * | chameneos | C = 100 chameneos, N = 200,000 meetings | ~4N |
 * | big | W = 120 actors, N = 20,000 pings each to random peers, each answered | 2 W N |
 */
import { type ActorRef, ActorSystem, type Behavior } from "../mod.ts";
import { bench, size } from "./_harness.ts";

type Done = () => void;

/** Runs one workload in a fresh system; `body` calls `done` when the workload completes. */
async function run(body: (system: ActorSystem, done: Done) => void): Promise<void> {
  const system = new ActorSystem();
  const { promise, resolve } = Promise.withResolvers<void>();
  body(system, resolve);
  await promise;
  await system.shutdown();
}

function savina(name: string, ops: number, body: (system: ActorSystem, done: Done) => void): void {
  bench({ name: `savina/${name}`, group: "savina", ops, unit: "msg", fn: () => run(body) });
}

const PINGS = size(40_000, 50);
savina("ping_pong", 2 * PINGS, (system, done) => {
  type Msg = { kind: "ping" | "pong"; from: ActorRef<Msg> };
  const pong = system.spawn<Msg>({ receive: (s, m, ctx) => (m.from.send({ kind: "pong", from: ctx.self }), s) });
  let left = PINGS;
  const ping = system.spawn<Msg | "start">({
    receive(s, m, ctx) {
      if (m === "start" || --left > 0) pong.send({ kind: "ping", from: ctx.self as ActorRef<Msg> });
      else done();
      return s;
    },
  });
  ping.send("start");
});

const COUNT = size(1_000_000, 100);
savina("counting", COUNT + 2, (system, done) => {
  type Msg = "inc" | { query: ActorRef<number> };
  const counter = system.spawn<Msg>({
    init: () => 0,
    receive: (n: number, m) => (m === "inc" ? n + 1 : (m.query.send(n), n)),
  });
  const producer = system.spawn<number>({ receive: (s, total) => (total === COUNT && done(), s) });
  for (let i = 0; i < COUNT; i++) counter.send("inc");
  counter.send({ query: producer });
});

const FJ_ACTORS = size(60, 4);
const FJ_MESSAGES = size(10_000, 20);
savina("fork_join_throughput", FJ_ACTORS * FJ_MESSAGES, (system, done) => {
  let finished = 0;
  const worker: Behavior<number, number> = {
    init: () => 0,
    receive(n, m) {
      Math.sqrt(m); // Savina's tiny unit of work
      if (n + 1 === FJ_MESSAGES && ++finished === FJ_ACTORS) done();
      return n + 1;
    },
  };
  const workers = Array.from({ length: FJ_ACTORS }, () => system.spawn(worker));
  for (let i = 0; i < FJ_MESSAGES; i++) for (const w of workers) w.send(i);
});

const FJ_CREATED = size(40_000, 50);
savina("fork_join_creation", FJ_CREATED, (system, done) => {
  let finished = 0;
  const worker: Behavior<undefined, number> = {
    receive(s, m, ctx) {
      Math.sqrt(m);
      if (++finished === FJ_CREATED) done();
      ctx.stop();
      return s;
    },
  };
  for (let i = 0; i < FJ_CREATED; i++) system.spawn(worker).send(i);
});

const RING = size(100, 10);
const PASSES = size(100_000, 100);
savina("thread_ring", PASSES, (system, done) => {
  const ring: ActorRef<number>[] = [];
  for (let i = 0; i < RING; i++) {
    ring.push(
      system.spawn<number>({ receive: (s, left) => (left === 0 ? done() : ring[(i + 1) % RING].send(left - 1), s) }),
    );
  }
  ring[0].send(PASSES);
});

const CHAMENEOS = size(100, 4);
const MEETINGS = size(200_000, 50);
savina("chameneos", 4 * MEETINGS, (system, done) => {
  type Color = 0 | 1 | 2;
  type ToMall = { kind: "meet"; from: ActorRef<ToCham>; color: Color } | { kind: "stopped" };
  type ToCham = { kind: "meet"; color: Color; partner: ActorRef<ToCham> } | { kind: "change"; color: Color } | {
    kind: "stop";
  };
  const complement = (a: Color, b: Color): Color => (a === b ? a : (3 - a - b) as Color);
  let meetings = 0;
  let stopped = 0;
  let waiting: { from: ActorRef<ToCham>; color: Color } | undefined;
  const mall = system.spawn<ToMall>({
    receive(s, m) {
      if (m.kind === "stopped") {
        if (++stopped === CHAMENEOS) done();
      } else if (meetings >= MEETINGS) {
        m.from.send({ kind: "stop" });
        waiting?.from.send({ kind: "stop" }); // the one left waiting when the quota was reached
        waiting = undefined;
      } else if (waiting === undefined) {
        waiting = m;
      } else {
        meetings++;
        waiting.from.send({ kind: "meet", color: m.color, partner: m.from });
        waiting = undefined;
      }
      return s;
    },
  });
  for (let i = 0; i < CHAMENEOS; i++) {
    system.spawn<ToCham>({
      init: (ctx) => (mall.send({ kind: "meet", from: ctx.self, color: (i % 3) as Color }), (i % 3) as Color),
      receive(color: Color, m, ctx) {
        if (m.kind === "stop") {
          mall.send({ kind: "stopped" });
          ctx.stop();
          return color;
        }
        const next = complement(color, m.color);
        if (m.kind === "meet") m.partner.send({ kind: "change", color });
        mall.send({ kind: "meet", from: ctx.self, color: next });
        return next;
      },
    });
  }
});

const BIG_ACTORS = size(120, 6);
const BIG_PINGS = size(20_000, 10);
savina("big", 2 * BIG_ACTORS * BIG_PINGS, (system, done) => {
  type Msg = { kind: "ping"; from: number } | { kind: "pong" };
  const peers: ActorRef<Msg>[] = [];
  let finished = 0;
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % BIG_ACTORS;
  for (let i = 0; i < BIG_ACTORS; i++) {
    peers.push(system.spawn<Msg>({
      init: () => 0,
      receive(sent: number, m) {
        if (m.kind === "ping") {
          peers[m.from].send({ kind: "pong" });
          return sent;
        }
        if (sent === BIG_PINGS) {
          if (++finished === BIG_ACTORS) done();
          return sent;
        }
        peers[random()].send({ kind: "ping", from: i });
        return sent + 1;
      },
    }));
  }
  for (const peer of peers) peer.send({ kind: "pong" }); // each starts by acting on a pong
});
