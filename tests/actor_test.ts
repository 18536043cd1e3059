import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ActorStoppedError,
  ActorSystem,
  AskTimeoutError,
  type Behavior,
  type DownSignal,
  type ExitReason,
  ExitSignal,
} from "../mod.ts";
import { nextEvent, record } from "./_helpers.ts";

const echo: Behavior<undefined, unknown> = { receive: (s, msg, ctx) => (ctx.reply(msg), s) };

test("messages are processed in FIFO order, one at a time, even by async handlers", async () => {
  await using system = new ActorSystem();
  const log: string[] = [];
  let active = 0;
  const ref = system.spawn<string | "get">({
    init: () => undefined,
    async receive(s, msg, ctx) {
      if (msg === "get") return ctx.reply(log.slice()), s;
      assert.equal(++active, 1, "two messages were processed at once");
      await new Promise((r) => setTimeout(r, 1));
      log.push(msg);
      active--;
      return s;
    },
  });
  for (const m of ["a", "b", "c", "d"]) ref.send(m);
  assert.deepEqual(await ref.ask("get"), ["a", "b", "c", "d"]);
});

test("ask resolves with the value passed to ctx.reply", async () => {
  await using system = new ActorSystem();
  const ref = system.spawn(echo);
  assert.equal(await ref.ask("ping"), "ping");
});

test("ask rejects with AskTimeoutError when no reply comes within timeoutMs", async () => {
  await using system = new ActorSystem();
  const silent = system.spawn({ receive: (s) => s });
  const error = await silent.ask("hello?", { timeoutMs: 20 }).catch((e) => e);
  assert.ok(error instanceof AskTimeoutError);
  assert.equal(error.timeoutMs, 20);
  assert.equal(error.undelivered, "hello?");
});

test("ask rejects with the signal's reason when aborted", async () => {
  await using system = new ActorSystem();
  const silent = system.spawn({ receive: (s) => s });
  const controller = new AbortController();
  const pending = silent.ask("x", { signal: controller.signal });
  controller.abort(new Error("caller gave up"));
  await assert.rejects(pending, /caller gave up/);
});

test("a throwing handler crashes only its own actor; the others keep their state", async () => {
  await using system = new ActorSystem();
  const counter: Behavior<number, "inc" | "get" | "boom"> = {
    init: () => 0,
    receive(n, msg, ctx) {
      if (msg === "boom") throw new Error("boom");
      if (msg === "get") ctx.reply(n);
      return msg === "inc" ? n + 1 : n;
    },
  };
  const a = system.spawn(counter);
  const b = system.spawn(counter);
  a.send("inc");
  b.send("inc");
  b.send("inc");
  const exited = nextEvent(system, "actor_exited", (e) => e.actor === a.id);
  a.send("boom");
  const { reason } = await exited;
  assert.ok(typeof reason === "object" && "error" in reason && (reason.error as Error).message === "boom");
  assert.equal(a.alive, false);
  assert.equal(await b.ask("get"), 2);
});

test("an ask whose handler throws rejects with ActorStoppedError carrying the cause", async () => {
  await using system = new ActorSystem();
  const ref = system.spawn({
    receive: () => {
      throw new Error("bad request");
    },
  });
  const error = await ref.ask("q").catch((e) => e);
  assert.ok(error instanceof ActorStoppedError);
  assert.equal((error.cause as Error).message, "bad request");
});

test("send to a dead actor publishes a dead_letter event and does not throw", async () => {
  await using system = new ActorSystem();
  const ref = system.spawn(echo);
  await ref.stop();
  const letter = nextEvent(system, "dead_letter");
  ref.send("too late");
  assert.deepEqual(await letter, { type: "dead_letter", actor: ref.id, message: "too late", reason: "not_alive" });
  await assert.rejects(ref.ask("q"), ActorStoppedError);
});

test("messages still queued when an actor is killed become dead letters", async () => {
  await using system = new ActorSystem();
  const events = record(system);
  const ref = system.spawn({ receive: (s) => s });
  ref.send(1);
  ref.send(2);
  await ref.stop("killed");
  const letters = events.filter((e) => e.type === "dead_letter").map((e) => e.type === "dead_letter" && e.message);
  assert.deepEqual(letters, [1, 2]);
});

test("stop runs terminate with the reason, after the message in progress", async () => {
  await using system = new ActorSystem();
  const seen: unknown[] = [];
  const { promise: started, resolve: markStarted } = Promise.withResolvers<void>();
  const ref = system.spawn<string>({
    init: () => "state",
    async receive(s, msg) {
      markStarted();
      await new Promise((r) => setTimeout(r, 5));
      seen.push(msg);
      return s;
    },
    terminate(state, reason) {
      seen.push([state, reason]);
    },
  });
  ref.send("working");
  await started;
  await ref.stop({ shutdown: "bye" });
  assert.deepEqual(seen, ["working", ["state", { shutdown: "bye" }]]);
});

test("a failing init exits the actor with the error as its reason", async () => {
  await using system = new ActorSystem();
  const exited = nextEvent(system, "actor_exited");
  system.spawn({
    init: () => {
      throw new Error("no config");
    },
    receive: (s) => s,
  });
  const { reason } = await exited;
  assert.equal((reason as { error: Error }).error.message, "no config");
});

test("names are registered, refused when taken, and released on exit", async () => {
  await using system = new ActorSystem();
  const ref = system.spawn(echo, { name: "echo" });
  assert.equal(system.whereis("echo"), ref);
  assert.throws(
    () => system.spawn(echo, { name: "echo" }),
    /Invalid spawn options at name: is already registered \(got "echo"\)/,
  );
  await ref.stop();
  assert.equal(system.whereis("echo"), undefined);
});

test("an abnormal exit kills linked actors; a trapping one gets an ExitSignal instead", async () => {
  await using system = new ActorSystem();
  const trapped: ExitReason[] = [];
  const watcher = system.spawn<ExitSignal | "get">({
    init: (ctx) => {
      ctx.trapExits = true;
    },
    receive(s, msg, ctx) {
      if (msg instanceof ExitSignal) trapped.push(msg.reason);
      else ctx.reply(trapped);
      return s;
    },
  });
  const bystander = system.spawn({ receive: (s) => s });
  const crasher = system.spawn<"link" | "boom">({
    receive(s, msg, ctx) {
      if (msg === "boom") throw new Error("boom");
      ctx.link(watcher);
      ctx.link(bystander);
      return s;
    },
  });
  crasher.send("link");
  crasher.send("boom");
  await nextEvent(system, "actor_exited", (e) => e.actor === bystander.id);
  assert.equal(bystander.alive, false);
  const reasons = await watcher.ask<ExitReason[]>("get");
  assert.equal(reasons.length, 1);
  assert.equal((reasons[0] as { error: Error }).error.message, "boom");
});

test("a normal exit does not kill linked actors", async () => {
  await using system = new ActorSystem();
  const other = system.spawn(echo);
  const ref = system.spawn<"go">({ receive: (s, _m, ctx) => (ctx.link(other), ctx.stop(), s) });
  ref.send("go");
  await nextEvent(system, "actor_exited", (e) => e.actor === ref.id);
  assert.equal(await other.ask("still here"), "still here");
});

test("a monitor delivers one DownSignal; monitoring a dead actor gives noproc", async () => {
  await using system = new ActorSystem();
  const target = system.spawn(echo);
  const dead = system.spawn(echo);
  await dead.stop();
  const downs: DownSignal[] = [];
  const { promise: twoDowns, resolve } = Promise.withResolvers<void>();
  const watcher = system.spawn<DownSignal | "sync">({
    init(ctx) {
      ctx.monitor(target);
      ctx.monitor(dead);
    },
    receive(s, msg, ctx) {
      if (msg === "sync") return ctx.reply(true), s;
      downs.push(msg);
      if (downs.length === 2) resolve();
      return s;
    },
  });
  await watcher.ask("sync"); // init has run: both monitors are in place
  await target.stop({ shutdown: "done" });
  await twoDowns;
  assert.deepEqual(downs.map((d) => [d.ref.id, d.reason]), [[dead.id, "noproc"], [target.id, { shutdown: "done" }]]);
});

test("sendAfter delivers later and is cancelled when its owner exits", async () => {
  await using system = new ActorSystem();
  const got: string[] = [];
  const { promise: delivered, resolve } = Promise.withResolvers<void>();
  const sink = system.spawn<string>({ receive: (s, m) => (got.push(m), resolve(), s) });
  const owner = system.spawn<"arm">({
    receive(s, _m, ctx) {
      ctx.sendAfter(sink, "soon", 5);
      ctx.sendAfter(sink, "never", 200);
      return s;
    },
  });
  owner.send("arm");
  await delivered;
  await owner.stop();
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(got, ["soon"]);
});

test("sendInterval delivers repeatedly until cancelled", async () => {
  await using system = new ActorSystem();
  let ticks = 0;
  const { promise: threeTicks, resolve } = Promise.withResolvers<void>();
  const sink = system.spawn<"tick">({ receive: (s) => (++ticks === 3 && resolve(), s) });
  let cancel: (() => void) | undefined;
  const owner = system.spawn<"arm">({ receive: (s, _m, ctx) => ((cancel = ctx.sendInterval(sink, "tick", 5)), s) });
  owner.send("arm");
  await threeTicks;
  cancel!();
  const after = ticks;
  await new Promise((r) => setTimeout(r, 50)); // several periods: no tick may arrive
  assert.equal(ticks, after);
});

test("sendAfter and sendInterval refuse a bad period, naming it", async () => {
  await using system = new ActorSystem();
  const errors: string[] = [];
  const probe = system.spawn<"try" | "get">({
    receive(s, m, ctx) {
      if (m === "get") return ctx.reply(errors), s;
      for (const arm of [() => ctx.sendInterval(ctx.self, "get", 0), () => ctx.sendAfter(ctx.self, "get", -1)]) {
        try {
          arm();
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
      return s;
    },
  });
  probe.send("try");
  assert.deepEqual(await probe.ask("get"), [
    "Invalid sendInterval argument at ms: must be a positive number of ms (got 0)",
    "Invalid sendAfter argument at ms: must be a non-negative number of ms (got -1)",
  ]);
});

test("shutdown stops root actors in reverse start order", async () => {
  const system = new ActorSystem();
  const order: string[] = [];
  for (const name of ["first", "second", "third"]) {
    system.spawn({ receive: (s) => s, terminate: () => void order.push(name) }, { name });
  }
  await system.shutdown();
  assert.deepEqual(order, ["third", "second", "first"]);
  assert.throws(() => system.spawn(echo), /shutting down/);
});
