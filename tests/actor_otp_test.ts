import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type ActorContext,
  ActorStoppedError,
  ActorSystem,
  AskTimeoutError,
  type Behavior,
  type ExitReason,
  ExitSignal,
  supervisor,
  type SystemEvent,
} from "../mod.ts";
import { osProcess } from "../osl/mod.ts";
import { nextEvent } from "./_helpers.ts";

// OTP's rules for links, parents and calls, each as the documentation states it
// (erlang:link/1, gen_server, gen_server:call/reply), on the actor core.

const idle: Behavior<undefined, unknown> = { receive: (s) => s };

test("link to an actor that already exited: a linker trapping exits gets ExitSignal with noproc (erlang:link/1)", async () => {
  await using system = new ActorSystem();
  const dead = system.spawn(idle);
  await dead.stop();
  const linker = system.spawn<unknown>({
    init: (ctx) => ((ctx.trapExits = true), []),
    receive(log: unknown[], m, ctx) {
      if (m === "link") ctx.link(dead);
      else if (m === "get") ctx.reply(log.slice());
      else log.push(m);
      return log;
    },
  });
  linker.send("link");
  await linker.ask("get"); // the exit signal is queued behind this ask
  const [signal] = await linker.ask<unknown[]>("get");
  assert.ok(signal instanceof ExitSignal);
  assert.equal(signal.reason, "noproc");
  assert.equal(signal.from, dead);
});

test("link to an actor that already exited: a linker not trapping exits dies with noproc (erlang:link/1)", async () => {
  await using system = new ActorSystem();
  const dead = system.spawn(idle);
  await dead.stop();
  const exited = nextEvent(system, "actor_exited", (e) => e.actor === linker.id);
  const linker = system.spawn<"link">({ receive: (s, _m, ctx) => (ctx.link(dead), s) });
  linker.send("link");
  assert.equal((await exited).reason, "noproc");
});

test("a worker trapping exits whose parent exits runs terminate and exits with the parent's reason (gen_server)", async () => {
  await using system = new ActorSystem();
  const terminated: ExitReason[] = [];
  let child!: { alive: boolean };
  const childExited = nextEvent(system, "actor_exited", (e) => e.name === "child");
  const parent = system.spawn<"spawn">({
    receive(s, _m, ctx) {
      child = ctx.spawn({
        init: (c) => void (c.trapExits = true),
        receive: (t) => t,
        terminate: (_t, reason) => void terminated.push(reason),
      }, { name: "child" });
      return s;
    },
  });
  parent.send("spawn");
  await new Promise((resolve) => setTimeout(resolve, 10));
  const boom = new Error("parent crashed");
  await parent.stop({ error: boom });
  const { reason } = await childExited;
  assert.deepEqual(reason, { error: boom });
  assert.deepEqual(terminated, [{ error: boom }]);
  assert.equal(child.alive, false);
});

test("a trapping worker whose supervisor is killed does not outlive it", async () => {
  await using system = new ActorSystem();
  const sup = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [{
      id: "w",
      start: { init: (ctx: ActorContext<unknown>) => void (ctx.trapExits = true), receive: (s: unknown) => s },
    }],
  }));
  const [w] = await sup.whichChildren();
  const exited = nextEvent(system, "actor_exited", (e) => e.actor === w.ref!.id);
  await sup.stop("killed");
  assert.equal((await exited).reason, "killed");
});

test("every unanswered ask rejects with ActorStoppedError as soon as the actor exits, not at timeoutMs", async () => {
  await using system = new ActorSystem();
  // Keeps the context of "hold" to answer later (gen_server's noreply), crashes on "crash".
  const holder = system.spawn<"hold" | "crash">({
    receive(s, m) {
      if (m === "crash") throw new Error("crashed on a later message");
      return s;
    },
  });
  const started = performance.now();
  const pending = holder.ask("hold", { timeoutMs: 60_000 }).catch((e: unknown) => e);
  holder.send("crash");
  const error = await pending;
  assert.ok(error instanceof ActorStoppedError, `got ${error}`);
  assert.deepEqual((error.reason as { error: Error }).error.message, "crashed on a later message");
  assert.ok(performance.now() - started < 30_000, "rejected at the exit, not at the timeout");

  const quitter = system.spawn<"quit">({ receive: (s, _m, ctx) => (ctx.stop(), s) });
  const stopped = await quitter.ask("quit", { timeoutMs: 60_000 }).catch((e: unknown) => e);
  assert.ok(stopped instanceof ActorStoppedError);
  assert.equal(stopped.reason, "normal");

  const victim = system.spawn<"hold">(idle);
  const killedAsk = victim.ask("hold", { timeoutMs: 60_000 }).catch((e: unknown) => e);
  await new Promise((resolve) => setTimeout(resolve, 5)); // the ask is delivered and left unanswered
  await victim.stop("killed");
  const killed = await killedAsk;
  assert.ok(killed instanceof ActorStoppedError);
  assert.equal(killed.reason, "killed");
});

test("a reply belongs to its ask: a context kept from an earlier message answers that ask or nothing", async () => {
  await using system = new ActorSystem();
  let kept: ActorContext<string> | undefined;
  const ref = system.spawn<string>({
    receive(s, m, ctx) {
      if (m === "first") kept = ctx; // no reply now
      else if (m === "second") kept!.reply("late-reply-for-first");
      return s;
    },
  });
  const first = ref.ask("first", { timeoutMs: 60_000 });
  const second = ref.ask("second", { timeoutMs: 200 }).catch((e: unknown) => e);
  assert.equal(await first, "late-reply-for-first");
  assert.ok((await second) instanceof AskTimeoutError, "the second ask got nothing");
  kept!.reply("again"); // that ask is settled: nothing happens
});

test("a receive returning an object whose then getter throws crashes that actor only", async () => {
  await using system = new ActorSystem();
  const broken = {
    get then(): never {
      throw new Error("then getter threw");
    },
  };
  const exited = nextEvent(system, "actor_exited", (e) => e.actor === bad.id);
  const bad = system.spawn<"go">({ receive: () => broken as never });
  const good = system.spawn({ receive: (s: undefined, m: unknown, ctx) => (ctx.reply(m), s) });
  bad.send("go");
  const { reason } = await exited;
  assert.equal((reason as { error: Error }).error.message, "then getter threw");
  assert.equal(await good.ask("still scheduling"), "still scheduling");
});

test("an events listener that throws is isolated and reported with listener_failed", async () => {
  await using system = new ActorSystem();
  const seen: SystemEvent[] = [];
  system.events.subscribe(() => {
    throw new Error("listener bug");
  });
  system.events.subscribe((e) => seen.push(e));
  const ref = system.spawn(idle);
  await ref.stop();
  assert.ok(seen.some((e) => e.type === "actor_exited"), "the other listener got the events");
  const failure = seen.find((e) => e.type === "listener_failed") as Extract<SystemEvent, { type: "listener_failed" }>;
  assert.equal((failure.error as Error).message, "listener bug");
});

test("an exit propagates through 100,000 linked actors without recursion", async () => {
  await using system = new ActorSystem();
  const count = 100_000;
  const chain: { alive: boolean }[] = [];
  const linker: Behavior<undefined, unknown> = {
    receive: (s, m, ctx) => (ctx.link(m as never), s),
  };
  let previous = system.spawn(idle);
  const first = previous;
  for (let i = 0; i < count; i++) {
    const next = system.spawn(linker);
    next.send(previous);
    chain.push(next);
    previous = next;
  }
  await new Promise((resolve) => setTimeout(resolve, 0)); // every link made
  await first.stop({ error: new Error("first link breaks") });
  assert.equal(chain.filter((a) => a.alive).length, 0);
});

test("durations past 2^31-1 ms neither fire at once nor spin: ask, sendAfter, shutdown deadline", async () => {
  await using system = new ActorSystem();
  const received: string[] = [];
  const silent = system.spawn<string>({ receive: (s, m) => (received.push(m), s) });
  let settled = false;
  const ask = silent.ask("wait", { timeoutMs: 3e9 }).finally(() => (settled = true)).catch(() => {});
  system.spawn({ init: (ctx) => void ctx.sendAfter(silent, "late", 3e9), receive: (s) => s });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(settled, false, "a 3e9 ms ask timeout did not fire");
  assert.deepEqual(received, ["wait"], "a 3e9 ms sendAfter did not fire");
  await silent.stop();
  await ask;
});

test("nonsense durations are refused with RangeError naming the field", async () => {
  await using system = new ActorSystem();
  const ref = system.spawn(idle);
  await assert.rejects(
    ref.ask("x", { timeoutMs: -1 }),
    (e) => e instanceof RangeError && / at timeoutMs: /.test(e.message),
  );
  await assert.rejects(ref.ask("x", { timeoutMs: Number.NaN }), RangeError);
  assert.throws(
    () => osProcess({ command: "sleep", limits: { sampleIntervalMs: 1e-9 } }),
    (e) => e instanceof RangeError && / at limits\.sampleIntervalMs: /.test(e.message),
  );
});
