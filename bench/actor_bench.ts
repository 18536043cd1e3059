import { ActorSystem, type Behavior } from "../mod.ts";
import { bench, size } from "./_harness.ts";
import { contenders } from "./_contenders.ts";

// Spawn: one case per batch size for us; the limit and the peers at batch 1000.
for (const batch of [1, 10, 100, 1000]) {
  for (const c of contenders.filter((x) => x.spawn !== undefined && (batch === 1000 || x.prefix === "messaging/"))) {
    const prefix = c.prefix === "messaging/" ? "actor/" : c.prefix;
    bench({
      name: `${prefix}spawn_${batch === 1 ? "single" : `batch_${batch}`}${c.suffix}`,
      group: batch === 1000 ? "spawn_batch_1000" : "spawn",
      baseline: c.suffix === "_ring_buffer",
      ops: batch,
      unit: "actor",
      sync: true,
      fn: () => c.spawn!(batch),
    });
  }
}

const lifecycleSystem = new ActorSystem();
const idle: Behavior<undefined, never> = { receive: (s) => s };
bench({
  name: "actor/spawn_to_stop",
  group: "lifecycle",
  ops: 1,
  unit: "actor",
  async fn() {
    await lifecycleSystem.spawn(idle).stop();
  },
});

type Account = { balance: number; operations: number };
const STATE_OPS = size(100_000, 100);
bench({
  name: "actor/state_access",
  group: "state",
  ops: STATE_OPS,
  unit: "msg",
  async fn() {
    const system = new ActorSystem();
    const { promise, resolve } = Promise.withResolvers<void>();
    const account = system.spawn<number>({
      init: (): Account => ({ balance: 0, operations: 0 }),
      receive(s: Account, amount) {
        const next = { balance: s.balance + amount, operations: s.operations + 1 };
        if (next.operations === STATE_OPS) resolve();
        return next;
      },
    });
    for (let i = 0; i < STATE_OPS; i++) account.send(1);
    await promise;
    await system.shutdown();
  },
});
