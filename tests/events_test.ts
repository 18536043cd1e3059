import { test } from "node:test";
import assert from "node:assert/strict";
import { EventStream } from "../mod.ts";

test("subscribers get every event in subscription order; unsubscribe stops delivery", () => {
  const stream = new EventStream<number>();
  const seen: string[] = [];
  const offA = stream.subscribe((n) => seen.push(`a${n}`));
  stream.subscribe((n) => seen.push(`b${n}`));
  assert.equal(stream.observed, true);
  stream.publish(1);
  offA();
  stream.publish(2);
  assert.deepEqual(seen, ["a1", "b1", "b2"]);
});

test("the async iterator yields events published after it started, and break unsubscribes", async () => {
  const stream = new EventStream<number>();
  const iterator = stream[Symbol.asyncIterator]();
  const first = iterator.next();
  stream.publish(1);
  stream.publish(2);
  assert.deepEqual(await first, { value: 1, done: false });
  assert.deepEqual(await iterator.next(), { value: 2, done: false });
  await iterator.return?.();
  assert.equal(stream.observed, false, "the iterator's subscription is gone");
});

test(`the async iterator buffers at most ${EventStream.ITERATOR_BUFFER} events: a slow reader loses the oldest`, async () => {
  const stream = new EventStream<number>();
  const iterator = stream[Symbol.asyncIterator]();
  const first = iterator.next(); // the iterator is now subscribed
  const total = EventStream.ITERATOR_BUFFER + 10;
  for (let i = 0; i < total; i++) stream.publish(i);
  // The reader had no turn while they were published: the 10 oldest were dropped.
  assert.equal((await first).value, 10);
  let last = -1;
  for (let i = 1; i < EventStream.ITERATOR_BUFFER; i++) last = (await iterator.next()).value as number;
  assert.equal(last, total - 1, "every newer event is there, in order");
  await iterator.return?.();
});
