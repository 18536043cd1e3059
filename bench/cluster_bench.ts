import { connect } from "@nats-io/transport-node";
import { ActorSystem } from "../mod.ts";
import { joinCluster } from "../cluster/mod.ts";
import { probe, size, SMOKE } from "./_harness.ts";
import { startNats } from "../tests/_cluster.ts";

// Messages between two nodes of one process, each with its own NATS connection, through a
// nats-server -js started here on a free port; the limit in the same run is raw nats.js
// on two connections of the same kind: publish/subscribe for tells, request/respond for
// asks. Probes, not timed cases: they need a server, and run after the in-memory cases.

const SENDS = size(100_000, 100);
const ASKS = size(2_000, 10);
const ROUNDS = SMOKE ? 1 : 5;

interface Figures {
  rawPublishPerS: number;
  remoteSendPerS: number;
  rawRequestUs: number;
  remoteAskUs: number;
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1];

async function measureAll(): Promise<Figures> {
  const nats = await startNats();
  const [a, b] = [new ActorSystem(), new ActorSystem()];
  const [pub, sub] = [await connect({ servers: nats.url }), await connect({ servers: nats.url })];
  try {
    const nodeA = await joinCluster(a, { servers: nats.url, cluster: "bench", node: "a" });
    const nodeB = await joinCluster(b, { servers: nats.url, cluster: "bench", node: "b" });
    let count = 0;
    let done = () => {};
    const counter = b.spawn<number>({ init: () => 0, receive: (s) => (++count === SENDS && done(), s) });
    const echo = b.spawn<number>({ init: () => 0, receive: (s, m, ctx) => (ctx.reply(m), s) });
    await nodeB.register("counter", counter);
    await nodeB.register("echo", echo);
    let remoteCounter, remoteEcho;
    while ((remoteCounter = await nodeA.whereis("counter")) === undefined) await new Promise((r) => setTimeout(r, 10));
    while ((remoteEcho = await nodeA.whereis("echo")) === undefined) await new Promise((r) => setTimeout(r, 10));
    sub.subscribe("bench.raw", { callback: () => void (++count === SENDS && done()) });
    sub.subscribe("bench.req", { callback: (_e, msg) => void msg.respond(msg.data) });
    await sub.flush();
    const payload = new Uint8Array(16); // about a CBOR-encoded remote tell of a small number

    /** Messages per second of `send` repeated SENDS times, until the last one arrived. */
    const throughput = async (send: (i: number) => void) => {
      count = 0;
      const arrived = new Promise<void>((resolve) => (done = resolve));
      const started = performance.now();
      for (let i = 0; i < SENDS; i++) send(i);
      await arrived;
      return SENDS / ((performance.now() - started) / 1000);
    };
    /** Microseconds per round trip of `ask`, ASKS in sequence. */
    const roundTrip = async (ask: (i: number) => Promise<unknown>) => {
      const started = performance.now();
      for (let i = 0; i < ASKS; i++) await ask(i);
      return ((performance.now() - started) * 1000) / ASKS;
    };
    const figures = { rawPublishPerS: [], remoteSendPerS: [], rawRequestUs: [], remoteAskUs: [] } as Record<
      keyof Figures,
      number[]
    >;
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, so that drift in the machine weighs on both alike.
      figures.rawPublishPerS.push(await throughput(() => pub.publish("bench.raw", payload)));
      figures.remoteSendPerS.push(await throughput((i) => remoteCounter.send(i)));
      figures.rawRequestUs.push(await roundTrip(() => pub.request("bench.req", payload, { timeout: 5000 })));
      figures.remoteAskUs.push(await roundTrip((i) => remoteEcho.ask(i)));
    }
    await nodeA.leave();
    await nodeB.leave();
    return {
      rawPublishPerS: median(figures.rawPublishPerS),
      remoteSendPerS: median(figures.remoteSendPerS),
      rawRequestUs: median(figures.rawRequestUs),
      remoteAskUs: median(figures.remoteAskUs),
    };
  } finally {
    await Promise.all([pub.close(), sub.close()]);
    await Promise.all([a.shutdown(), b.shutdown()]);
    await nats.dispose();
  }
}

let measured: Promise<Figures> | undefined;
const figures = () => (measured ??= measureAll());

probe({ name: "cluster/raw_publish_msgs_per_s", unit: "msg/s", measure: async () => (await figures()).rawPublishPerS });
probe({ name: "cluster/remote_send_msgs_per_s", unit: "msg/s", measure: async () => (await figures()).remoteSendPerS });
probe({
  name: "cluster/remote_send_vs_raw_percent",
  unit: "%",
  measure: async () => ((await figures()).remoteSendPerS / (await figures()).rawPublishPerS) * 100,
});
probe({ name: "cluster/raw_request_us", unit: "µs", measure: async () => (await figures()).rawRequestUs });
probe({ name: "cluster/remote_ask_us", unit: "µs", measure: async () => (await figures()).remoteAskUs });
probe({
  name: "cluster/remote_ask_vs_raw_x",
  unit: "x",
  measure: async () => (await figures()).remoteAskUs / (await figures()).rawRequestUs,
});
