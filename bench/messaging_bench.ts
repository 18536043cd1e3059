import { ActorSystem, type Behavior, Broker, Mailbox } from "../mod.ts";
import { bench, size } from "./_harness.ts";
import { type Contender, contenders } from "./_contenders.ts";

const COUNT = size(1_000_000, 100);
const HOPS = size(100_000, 100);

const workloads = [
  { workload: "counting", ops: COUNT, unit: "msg", run: (c: Contender) => c.counting(COUNT) },
  { workload: "ping_pong", ops: HOPS, unit: "hop", run: (c: Contender) => c.pingPong(HOPS) },
];
for (const { workload, ops, unit, run } of workloads) {
  for (const c of contenders) {
    bench({
      name: `${c.prefix}${workload}${c.suffix}`,
      group: workload,
      baseline: c.suffix === "_ring_buffer",
      ops,
      unit,
      fn: () => run(c),
    });
  }
}

const echo: Behavior<undefined, number> = { receive: (s, m, ctx) => (ctx.reply(m), s) };
const askSystem = new ActorSystem();
const echoRef = askSystem.spawn(echo);
const ASKS = size(1000, 10);

bench({
  name: "messaging/ask_round_trip",
  group: "ask",
  ops: ASKS,
  unit: "ask",
  async fn() {
    for (let i = 0; i < ASKS; i++) await echoRef.ask(i);
  },
});

const BATCH = 1000;
let batchDone: () => void = () => {};
const batchRef = askSystem.spawn<number>({ receive: (s, m) => (m === BATCH && batchDone(), s) });

bench({
  name: "messaging/tell_batch_1000",
  group: "tell",
  ops: BATCH,
  unit: "msg",
  fn() {
    const { promise, resolve } = Promise.withResolvers<void>();
    batchDone = resolve;
    for (let i = 1; i <= BATCH; i++) batchRef.send(i);
    return promise;
  },
});

for (const fanout of [10, 100]) {
  let remaining = 0;
  let allDone: () => void = () => {};
  const listeners = Array.from(
    { length: fanout },
    () => askSystem.spawn<number>({ receive: (s) => (--remaining === 0 && allDone(), s) }),
  );
  bench({
    name: `messaging/broadcast_${fanout}`,
    group: "broadcast",
    ops: fanout,
    unit: "msg",
    fn() {
      const { promise, resolve } = Promise.withResolvers<void>();
      remaining = fanout;
      allDone = resolve;
      for (const listener of listeners) listener.send(1);
      return promise;
    },
  });
}

const mailbox = new Mailbox<number>();
const PAIRS = 1000;
bench({
  name: "messaging/mailbox_enqueue_dequeue",
  group: "mailbox",
  ops: PAIRS,
  unit: "pair",
  sync: true,
  fn() {
    for (let i = 0; i < PAIRS; i++) mailbox.push(i);
    for (let i = 0; i < PAIRS; i++) mailbox.shift();
  },
});

// Through the broker: one topic, 10 subscribers; ops counts deliveries.
const broker = new Broker(askSystem);
const PUBLISHES = size(10_000, 10);
const SUBSCRIBERS = 10;
let deliveriesLeft = 0;
let deliveredAll: () => void = () => {};
for (let i = 0; i < SUBSCRIBERS; i++) {
  broker.subscribe("bench", askSystem.spawn<number>({ receive: (s) => (--deliveriesLeft === 0 && deliveredAll(), s) }));
}
bench({
  name: "messaging/broker_publish",
  group: "broker",
  ops: PUBLISHES * SUBSCRIBERS,
  unit: "msg",
  fn() {
    const { promise, resolve } = Promise.withResolvers<void>();
    deliveriesLeft = PUBLISHES * SUBSCRIBERS;
    deliveredAll = resolve;
    for (let i = 0; i < PUBLISHES; i++) broker.publish("bench", i);
    return promise;
  },
});
