// Two nodes of one cluster over NATS (here in one process; on two machines it reads the
// same): node "a" registers a counter cluster-wide, node "b" finds it and asks it.
// Needs a nats-server with JetStream (`nats-server -js`). Run: deno run -A examples/cluster.ts [nats-url]
import process from "node:process";
import { ActorSystem, type Behavior } from "../mod.ts";
import { joinCluster } from "../cluster/mod.ts";

const servers = process.argv[2] ?? "nats://127.0.0.1:4222";
const counter: Behavior<number, "inc" | "get"> = {
  init: () => 0,
  receive: (n, msg, ctx) => (msg === "get" ? (ctx.reply(n), n) : n + 1),
};

await using systemA = new ActorSystem();
await using systemB = new ActorSystem();
const a = await joinCluster(systemA, { servers, cluster: "demo", node: "a" });
const b = await joinCluster(systemB, { servers, cluster: "demo", node: "b" });
const aLeft = new Promise<void>((resolve) =>
  systemB.events.subscribe((e) => {
    if (e.type === "node_down") console.log(`${b.name} saw ${e.node} go: ${e.reason}`), resolve();
  })
);

await a.register("counter", systemA.spawn(counter)); // false if another node holds the name
let remote = await b.whereis("counter"); // from b's watched copy of the registry
while (remote === undefined) {
  await new Promise((r) => setTimeout(r, 10));
  remote = await b.whereis("counter");
}
remote.send("inc");
console.log(`counter on ${a.name}, asked from ${b.name}: ${await remote.ask("get")}`); // 1
await a.leave(); // b sees node_down with reason "leave"
await aLeft;
await b.leave();
