import { type ActorRef, ActorSystem, type Behavior, type ChildSpec, supervisor, type SupervisorRef } from "../mod.ts";
import { bench } from "./_harness.ts";

const system = new ActorSystem();
const idle: Behavior<undefined, never> = { receive: (s) => s };

const dynamic = system.spawn(supervisor({ strategy: "one_for_one", children: [] }));
let serial = 0;
bench({
  name: "supervision/child_start",
  group: "child_start",
  ops: 1,
  unit: "child",
  async fn() {
    const id = `c${serial++}`;
    await dynamic.startChild({ id, start: idle, restart: "temporary" });
    await dynamic.terminateChild(id); // a temporary child's spec goes with it
  },
});

// Restart latency: from the crash to the new child processing its first message. The
// middle child (index 2) of five crashes; the next target is the new incarnation of that
// child, which reports itself with its first message (no supervisor query in the timing).
for (const strategy of ["one_for_one", "one_for_all", "rest_for_one"] as const) {
  let processed: (self: ActorRef<"crash" | "first">, index: number) => void = () => {};
  const crashable = (index: number): Behavior<undefined, "crash" | "first"> => ({
    init: (ctx) => void ctx.self.send("first"),
    receive(s, msg, ctx) {
      if (msg === "crash") throw new Error("crash");
      processed(ctx.self, index);
      return s;
    },
  });
  const children: ChildSpec[] = ["a", "b", "c", "d", "e"].map((id, index) => ({ id, start: crashable(index) }));
  const sup = system.spawn(supervisor({ strategy, intensity: 1e9, period: 1, children }));
  let target: ActorRef<"crash" | "first"> | undefined;
  bench({
    name: `supervision/restart_${strategy}`,
    group: "actor_restart",
    ops: 1,
    unit: "restart",
    async fn() {
      // rest_for_one restarts 3 children, one_for_all 5.
      target ??= (await sup.whichChildren())[2].ref; // first run only
      const { promise, resolve } = Promise.withResolvers<void>();
      let expected = strategy === "one_for_one" ? 1 : strategy === "rest_for_one" ? 3 : 5;
      processed = (self, index) => {
        if (index === 2) target = self;
        if (--expected === 0) resolve();
      };
      target!.send("crash");
      await promise;
    },
  });
}

function tree(depth: number, width: number): ChildSpec[] {
  return Array.from({ length: width }, (_, i) => ({
    id: `n${i}`,
    start: depth > 1 ? supervisor({ strategy: "one_for_one", children: tree(depth - 1, width) }) : idle,
  }));
}

async function walk(sup: SupervisorRef): Promise<number> {
  let count = 0;
  for (const child of await sup.whichChildren()) {
    count++;
    if (child.type === "supervisor") count += await walk(child.ref as SupervisorRef);
  }
  return count;
}

for (const [name, depth, width] of [["depth_3", 3, 3], ["width_10", 1, 10]] as const) {
  const root = system.spawn(supervisor({ strategy: "one_for_one", children: tree(depth, width) }));
  bench({
    name: `supervision/which_children_${name}`,
    group: "which_children",
    ops: 1,
    unit: "tree",
    async fn() {
      await walk(root);
    },
  });
}
