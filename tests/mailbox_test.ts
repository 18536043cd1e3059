import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ActorSystem,
  type Behavior,
  ExitSignal,
  Mailbox,
  MailboxFullError,
  supervisor,
  type SystemEvent,
} from "../mod.ts";
import { nextEvent, record } from "./_helpers.ts";

test("Mailbox is FIFO across segment boundaries and reuses its first segment when drained", () => {
  const box = new Mailbox<number>(2);
  for (let i = 0; i < 5000; i++) box.push(i);
  assert.equal(box.size, 5000);
  assert.equal(box.peek(), 0);
  for (let i = 0; i < 5000; i++) assert.equal(box.shift(), i);
  assert.equal(box.shift(), undefined);
  box.push(1);
  assert.deepEqual(box.drain(), [1]);
});

/**
 * An actor that holds its first message until `release` is called, recording what it
 * handles; `handledAll(n)` resolves once it has handled `n` messages.
 */
function gated(handled: unknown[]) {
  const { promise: gate, resolve: release } = Promise.withResolvers<void>();
  const { promise: holding, resolve: hold } = Promise.withResolvers<void>();
  let waiter: { n: number; resolve: () => void } | undefined;
  const behavior: Behavior<undefined, unknown> = {
    async receive(s, msg) {
      if (handled.length === 0) {
        hold();
        await gate;
      }
      handled.push(msg);
      if (waiter !== undefined && handled.length >= waiter.n) waiter.resolve();
      return s;
    },
  };
  const handledAll = (n: number) => {
    const { promise, resolve } = Promise.withResolvers<void>();
    waiter = { n, resolve };
    if (handled.length >= n) resolve();
    return promise;
  };
  return { behavior, release, handledAll, holding };
}

const dropped = (events: SystemEvent[]) =>
  events.flatMap((e) => (e.type === "dead_letter" ? [[e.message, e.reason]] : []));

for (
  const [overflow, sends, kept, lost] of [
    ["drop_newest", [true, true, true, true], [1, 2, 3], [4]],
    ["drop_oldest", [true, true, true, true], [1, 3, 4], [2]],
    ["reject", [true, true, true, false], [1, 2, 3], [4]],
  ] as const
) {
  test(`a bounded mailbox with overflow ${overflow} keeps ${kept.join(",")} and dead-letters ${lost.join(",")}`, async () => {
    await using system = new ActorSystem();
    const events = record(system);
    const handled: unknown[] = [];
    const { behavior, release, handledAll, holding } = gated(handled);
    const ref = system.spawn(behavior, { mailbox: { capacity: 2, overflow } });
    assert.equal(ref.send(1), true);
    await holding; // 1 is being handled (parked on the gate), the mailbox is empty
    const results = [2, 3, 4].map((m) => ref.send(m));
    assert.deepEqual([true, ...results], sends);
    assert.equal(ref.mailboxSize, 2);
    release();
    await handledAll(3);
    assert.deepEqual(handled, kept);
    assert.deepEqual(dropped(events), lost.map((m) => [m, "mailbox_full"]));
  });
}

test("an ask dropped by a full mailbox rejects with MailboxFullError", async () => {
  await using system = new ActorSystem();
  const handled: unknown[] = [];
  const { behavior, release, holding } = gated(handled);
  const ref = system.spawn(behavior, { mailbox: { capacity: 1, overflow: "reject" } });
  ref.send(1);
  await holding;
  ref.send(2);
  const error = await ref.ask("question").catch((e) => e);
  assert.ok(error instanceof MailboxFullError);
  assert.equal(error.capacity, 1);
  assert.equal(error.undelivered, "question");
  release();
});

test("exit signals are never dropped by a full mailbox and do not count against it", async () => {
  await using system = new ActorSystem();
  const handled: unknown[] = [];
  const { behavior, release, handledAll, holding } = gated(handled);
  const trapping: Behavior<undefined, unknown> = {
    init: (ctx) => void (ctx.trapExits = true),
    receive: behavior.receive,
  };
  const ref = system.spawn(trapping, { mailbox: { capacity: 1, overflow: "drop_oldest" } });
  ref.send(1);
  await holding;
  const linked = system.spawn<"link" | "boom">({
    receive(s, m, ctx) {
      if (m === "boom") throw new Error("boom");
      ctx.link(ref);
      return s;
    },
  });
  const linkedExited = nextEvent(system, "actor_exited", (e) => e.actor === linked.id);
  linked.send("link");
  linked.send("boom");
  await linkedExited; // its exit signal is now queued in ref's full mailbox
  assert.equal(ref.send(2), true); // queued beside the exit signal, which does not count
  release();
  await handledAll(3);
  assert.deepEqual(handled.map((m) => (m instanceof ExitSignal ? "exit" : m)), [1, "exit", 2]);
});

test("invalid mailbox options are refused naming the field", () => {
  const system = new ActorSystem();
  const idle = { receive: (s: unknown) => s };
  assert.throws(
    () => system.spawn(idle, { mailbox: { capacity: 0 } }),
    /Invalid spawn options at mailbox\.capacity: must be a positive integer \(got 0\)/,
  );
  assert.throws(
    () => system.spawn(idle, { mailbox: { capacity: 1, overflow: "drop_all" as "reject" } }),
    /Invalid spawn options at mailbox\.overflow: must be one of "drop_newest", "drop_oldest", "reject" \(got "drop_all"\)/,
  );
  assert.throws(
    () => supervisor({ strategy: "one_for_one", children: [{ id: "w", start: idle, mailbox: { capacity: -1 } }] }),
    / at children\[0\]\.mailbox\.capacity: must be a positive integer/,
  );
});
