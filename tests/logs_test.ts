import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ActorSystem, supervisor } from "../mod.ts";
import { osProcess, type OsProcessRef } from "../osl/mod.ts";
import { nextEvent } from "./_helpers.ts";

test("output is captured line by line: a line split across chunks stays whole, the last one too", async () => {
  await using system = new ActorSystem();
  const lines: string[] = [];
  system.events.subscribe((e) => e.type === "log" && lines.push(`${e.stream}:${e.line}`));
  const ref = system.spawn(osProcess({
    command: "sh",
    args: ["-c", "printf 'alpha\\nbe'; sleep 0.2; printf 'ta\\r\\ngam'; sleep 0.2; printf 'ma'; echo oops >&2"],
  })) as OsProcessRef;
  await nextEvent(system, "actor_exited", (e) => e.actor === ref.id);
  assert.deepEqual(ref.logs().map((l) => `${l.stream}:${l.line}`).sort(), ["stderr:oops", "stdout:alpha", "stdout:beta", "stdout:gamma"]);
  assert.deepEqual(lines.sort(), ["stderr:oops", "stdout:alpha", "stdout:beta", "stdout:gamma"], "each line is also a log event");
});

test("children started from one osProcess spec each keep their own lines and log events", async () => {
  await using system = new ActorSystem();
  const events: string[] = [];
  system.events.subscribe((e) => e.type === "log" && events.push(`${e.pid}:${e.line}`));
  const printsPid = osProcess({ command: "sh", args: ["-c", "echo $$; sleep 60"], readiness: { logLine: /^\d+$/ } });
  const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [{ id: "a", start: printsPid }, { id: "b", start: printsPid }] }));
  const rows = await sup.whichChildren();
  for (const row of rows) assert.deepEqual((row.ref as OsProcessRef).logs().map((l) => l.line), [String(row.pid)]);
  assert.deepEqual(events.sort(), rows.map((r) => `${r.pid}:${r.pid}`).sort(), "one event per line, from the process that printed it");
});

test("a child printing 100 MB: memory stays bounded, every line is intact, files rotate by size", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "airssys-logs-"));
  try {
    await using system = new ActorSystem();
    const LINE = "0123456789".repeat(8); // 80 characters, 81 bytes with the newline
    const COUNT = 1_300_000; // 105.3 MB
    const file = join(dir, "flood.log");
    const maxBytes = 4 * 1024 * 1024;
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const meter = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const sup = system.spawn(supervisor({
      strategy: "one_for_one",
      children: [{
        id: "flood",
        restart: "transient",
        start: osProcess({ command: "sh", args: ["-c", `yes ${LINE} | head -n ${COUNT}`], logs: { lines: 100, file, maxBytes, maxFiles: 3 } }),
      }],
    }));
    const ref = (await sup.whichChildren())[0].ref as OsProcessRef;
    assert.equal((await nextEvent(system, "child_exited", () => true, 100_000)).reason, "normal");
    clearInterval(meter);
    const kept = ref.logs();
    assert.equal(kept.length, 100, "the ring keeps the latest 100 lines");
    assert.ok(kept.every((l) => l.line === LINE), "lines are intact");
    // Peak RSS includes garbage not yet collected (up to ~100 MB seen in a full Deno run);
    // keeping the output, even as bytes, would add 105 MB on top, as strings 210 MB.
    assert.ok(peak - rssBefore < 160 * 1024 * 1024, `RSS grew ${((peak - rssBefore) / 2 ** 20).toFixed(1)} MB for 105 MB of output`);
    const files = [file, `${file}.1`, `${file}.2`, `${file}.3`];
    assert.ok(files.every(existsSync), "the file and 3 rotated ones exist");
    assert.equal(existsSync(`${file}.4`), false, "no more than maxFiles rotated files");
    for (const f of files) {
      assert.ok(statSync(f).size <= maxBytes, `${f} is at most maxBytes`);
      const content = readFileSync(f, "utf8");
      assert.ok(content.endsWith("\n"));
      assert.ok(content.slice(0, -1).split("\n").every((l) => l === LINE), `${f} holds whole lines only`);
    }
    assert.ok(statSync(`${file}.3`).size > maxBytes - 100, "rotated files are full");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an endless line is cut at maxLineLength instead of growing without bound", async () => {
  await using system = new ActorSystem();
  const ref = system.spawn(osProcess({
    command: "sh",
    args: ["-c", "head -c 300000 /dev/zero | tr '\\0' x"],
    logs: { lines: 10, maxLineLength: 100_000 },
  })) as OsProcessRef;
  await nextEvent(system, "actor_exited", (e) => e.actor === ref.id);
  assert.deepEqual(ref.logs().map((l) => l.line.length), [100_000, 100_000, 100_000]);
});
