// An in-memory actor and an OS process under one supervisor (run: deno run -A examples/actor_and_process.ts).
import process from "node:process";
import { ActorSystem, type Behavior, supervisor } from "../mod.ts";
import { osProcess } from "../osl/mod.ts";

const counter: Behavior<number, "inc" | "get"> = {
  init: () => 0,
  receive: (n, msg, ctx) => (msg === "get" ? (ctx.reply(n), n) : n + 1),
};

await using system = new ActorSystem();
const sup = system.spawn(supervisor({
  strategy: "one_for_one", // restart only the child that exited
  intensity: 3, // more than 3 restarts...
  period: 5_000, // ...within 5 s and the supervisor gives up (exits with "shutdown")
  children: [
    { id: "counter", start: counter },
    { id: "sleeper", start: osProcess({ command: "sleep", args: ["30"] }), shutdown: 2_000 },
  ],
}));
const [counterChild, sleeperChild] = await sup.whichChildren();
counterChild.ref!.send("inc");
console.log("count =", await counterChild.ref!.ask("get")); // count = 1

process.kill(sleeperChild.pid!, "SIGKILL"); // kill the OS process from outside...
for await (const event of system.events) {
  if (event.type === "child_restarted") { // ...and the supervisor starts a new one
    console.log(`restarted ${event.childId}: pid ${sleeperChild.pid} -> ${event.pid}`);
    break;
  }
}
// Leaving the scope shuts the system down: children stop in reverse start order.
