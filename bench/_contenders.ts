import { type AnyActorLogic, assign, createActor, createMachine, fromTransition } from "xstate";
import { dispatch, spawnStateless, start as startNact, stop as stopNact } from "nact";
import { Effect, Fiber, Queue } from "effect";
import { type ActorRef, ActorSystem } from "../mod.ts";
import { LimitSystem } from "./_limit.ts";

/**
 * One messaging implementation, measured on the same workloads: ours, the limits
 * (what the machine allows) and the peers a user would pick instead.
 */
export interface Contender {
  /** Case name prefix: `messaging/` for ours, `limit/`, `peer/`. */
  prefix: string;
  /** Suffix naming the implementation, empty for ours. */
  suffix: string;
  /** One actor receives `n` messages; resolves once the last was handled. */
  counting(n: number): Promise<void>;
  /** Two actors pass a counter back and forth `hops` times. */
  pingPong(hops: number): Promise<void>;
  /** Spawns `k` idle actors (kept alive by the implementation). */
  spawn?(k: number): void;
}

const done = () => Promise.withResolvers<void>();

/** A long-lived system for spawn cases, replaced every 10k actors so the live heap stays small for later cases. */
function rotating<S>(create: () => S, dispose: (s: S) => void = () => {}): (k: number) => S {
  let system = create();
  let spawned = 0;
  return (k) => {
    if ((spawned += k) > 10_000) {
      dispose(system);
      system = create();
      spawned = k;
    }
    return system;
  };
}

const idle = { receive: (s: unknown) => s };
const airssysSystem = rotating(() => new ActorSystem());

export const airssys: Contender = {
  prefix: "messaging/",
  suffix: "",
  async counting(n) {
    const system = new ActorSystem();
    const { promise, resolve } = done();
    const ref = system.spawn<number>({ receive: (s, m) => (m === n && resolve(), s) });
    for (let i = 1; i <= n; i++) ref.send(i);
    await promise;
    await system.shutdown();
  },
  async pingPong(hops) {
    const system = new ActorSystem();
    const { promise, resolve } = done();
    const refs: ActorRef<number>[] = [];
    const player = (other: number) => ({
      receive: (s: unknown, m: number) => (m === 0 ? resolve() : refs[other].send(m - 1), s),
    });
    refs.push(system.spawn(player(1)), system.spawn(player(0)));
    refs[0].send(hops);
    await promise;
    await system.shutdown();
  },
  spawn(k) {
    const system = airssysSystem(k);
    for (let i = 0; i < k; i++) system.spawn(idle);
  },
};

const limitSystem = rotating(() => new LimitSystem());

export const ringBuffer: Contender = {
  prefix: "limit/",
  suffix: "_ring_buffer",
  async counting(n) {
    const { promise, resolve } = done();
    const capacity = 2 ** Math.ceil(Math.log2(n + 1));
    const actor = new LimitSystem().spawn<number>((m) => void (m === n && resolve()), capacity);
    for (let i = 1; i <= n; i++) actor.send(i);
    await promise;
  },
  async pingPong(hops) {
    const system = new LimitSystem();
    const { promise, resolve } = done();
    const players: { send(m: number): void }[] = [];
    players.push(system.spawn<number>((m) => (m === 0 ? resolve() : players[1].send(m - 1))));
    players.push(system.spawn<number>((m) => (m === 0 ? resolve() : players[0].send(m - 1))));
    players[0].send(hops);
    await promise;
  },
  spawn(k) {
    const system = limitSystem(k);
    for (let i = 0; i < k; i++) system.spawn(() => {});
  },
};

let sink = 0;
export const functionCall: Contender = {
  prefix: "limit/",
  suffix: "_function_call",
  counting(n) {
    const handler = (m: number) => void (sink += m);
    for (let i = 1; i <= n; i++) handler(i);
    return Promise.resolve();
  },
  pingPong(hops) {
    const ping = (m: number) => (sink += m);
    const pong = (m: number) => (sink -= m);
    for (let m = hops; m > 0; m--) (m & 1 ? ping : pong)(m);
    return Promise.resolve();
  },
};

const countingMachine = createMachine({
  context: { n: 0 },
  on: { inc: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
});
const xstateIdle = fromTransition((s: number) => s, 0);

type Hop = { type: "hop"; m: number };

/**
 * Ping-pong between two xstate actors made by `logic`, whose handler for a hop calls
 * `onHop(m)`. xstate delivers synchronously (a send runs the receiver's transition at
 * once), so hops go through a trampoline instead of recursing `hops` deep.
 */
function xstatePingPong(hops: number, logic: (onHop: (m: number) => void) => AnyActorLogic): Promise<void> {
  const { promise, resolve } = done();
  const pending: [number, number][] = [];
  const player = (other: number) =>
    createActor(logic((m) => (m === 0 ? resolve() : void pending.push([other, m - 1])))).start();
  const actors = [player(1), player(0)];
  actors[0].send({ type: "hop", m: hops });
  while (pending.length > 0) {
    const [to, m] = pending.pop()!;
    actors[to].send({ type: "hop", m });
  }
  return promise;
}
const xstateSpawned: unknown[] = [];

export const xstateTransition: Contender = {
  prefix: "peer/",
  suffix: "_xstate_transition",
  counting(n) {
    const actor = createActor(fromTransition((s: number) => s + 1, 0)).start();
    for (let i = 0; i < n; i++) actor.send({ type: "inc" });
    actor.stop();
    return Promise.resolve();
  },
  pingPong: (hops) => xstatePingPong(hops, (onHop) => fromTransition((s: number, e: Hop) => (onHop(e.m), s), 0)),
  spawn(k) {
    if (xstateSpawned.length > 10_000) xstateSpawned.length = 0;
    for (let i = 0; i < k; i++) xstateSpawned.push(createActor(xstateIdle).start());
  },
};

export const xstateMachine: Contender = {
  prefix: "peer/",
  suffix: "_xstate_machine",
  counting(n) {
    const actor = createActor(countingMachine).start();
    for (let i = 0; i < n; i++) actor.send({ type: "inc" });
    actor.stop();
    return Promise.resolve();
  },
  pingPong: (hops) =>
    xstatePingPong(
      hops,
      (onHop) =>
        createMachine({ types: {} as { events: Hop }, on: { hop: { actions: ({ event }) => onHop(event.m) } } }),
    ),
};

const nactSystem = rotating(() => startNact(), (s) => stopNact(s));
let nactNames = 0; // nact's random anonymous names collide after ~100k spawns

export const nact: Contender = {
  prefix: "peer/",
  suffix: "_nact",
  async counting(n) {
    const system = startNact();
    const { promise, resolve } = done();
    const actor = spawnStateless(system, (m: number) => void (m === n && resolve()));
    for (let i = 1; i <= n; i++) dispatch(actor, i);
    await promise;
    stopNact(system);
  },
  async pingPong(hops) {
    const system = startNact();
    const { promise, resolve } = done();
    const players: ReturnType<typeof spawnStateless>[] = [];
    const player = (other: number) => (m: number) => void (m === 0 ? resolve() : dispatch(players[other], m - 1));
    players.push(spawnStateless(system, player(1)), spawnStateless(system, player(0)));
    dispatch(players[0], hops);
    await promise;
    stopNact(system);
  },
  spawn(k) {
    const system = nactSystem(k);
    for (let i = 0; i < k; i++) spawnStateless(system, () => {}, `a${nactNames++}`);
  },
};

export const effect: Contender = {
  prefix: "peer/",
  suffix: "_effect",
  counting(n) {
    return Effect.runPromise(Effect.gen(function* () {
      const queue = yield* Queue.unbounded<number>();
      const consumer = yield* Effect.forkChild(Effect.gen(function* () {
        while ((yield* Queue.take(queue)) !== n);
      }));
      for (let i = 1; i <= n; i++) yield* Queue.offer(queue, i);
      yield* Fiber.join(consumer);
    }));
  },
  pingPong(hops) {
    return Effect.runPromise(Effect.gen(function* () {
      const a = yield* Queue.unbounded<number>();
      const b = yield* Queue.unbounded<number>();
      const player = (inbox: Queue.Queue<number>, outbox: Queue.Queue<number>) =>
        Effect.gen(function* () {
          while (true) {
            const m = yield* Queue.take(inbox);
            if (m <= 0) return yield* Queue.offer(outbox, -1);
            yield* Queue.offer(outbox, m - 1);
          }
        });
      const ping = yield* Effect.forkChild(player(a, b));
      const pong = yield* Effect.forkChild(player(b, a));
      yield* Queue.offer(a, hops);
      yield* Fiber.join(ping);
      yield* Fiber.join(pong);
    }));
  },
};

export const contenders: Contender[] = [
  airssys,
  ringBuffer,
  functionCall,
  xstateTransition,
  xstateMachine,
  nact,
  effect,
];
