import { test } from "node:test";
import assert from "node:assert/strict";
import { ActorSystem, supervisor } from "../mod.ts";
import { collectRows, renderTable } from "../cli/_status_table.ts";

test("renderTable aligns columns and formats uptime, cpu and rss; unknown values are '-'", () => {
  const table = renderTable([
    {
      depth: 0,
      id: "web",
      path: "web",
      pid: 4242,
      status: "running",
      restarts: 2,
      uptimeMs: 3_723_000,
      cpuPercent: 12.345,
      rssBytes: 50 * 1024 ** 2,
    },
    { depth: 1, id: "worker", path: "web/worker", status: "restarting", restarts: 10, uptimeMs: 59_999 },
    { depth: 0, id: "db", path: "db", status: "undefined", restarts: 0, rssBytes: 3 * 1024 ** 3 },
  ]);
  const lines = table.split("\n");
  assert.match(lines[0], /^ID\s+PID\s+STATUS\s+RESTARTS\s+UPTIME\s+CPU %\s+RSS$/);
  assert.match(lines[1], /^web\s+4242\s+running\s+2\s+1h2m\s+12\.3\s+50\.0 MiB$/);
  assert.match(lines[2], /^ {2}worker\s+-\s+restarting\s+10\s+59s\s+-\s+-$/);
  assert.match(lines[3], /^db\s+-\s+undefined\s+0\s+-\s+-\s+3\.0 GiB$/);
  assert.equal(lines[0].indexOf("STATUS"), lines[1].indexOf("running"), "columns line up");
  assert.equal(lines[0].indexOf("RSS"), lines[3].indexOf("3.0 GiB"));
});

test("collectRows walks nested supervisors depth-first in start order", async () => {
  await using system = new ActorSystem();
  const idle = { receive: (s: unknown) => s };
  const root = system.spawn(supervisor({
    strategy: "one_for_one",
    children: [
      { id: "a", start: idle },
      {
        id: "inner",
        start: supervisor({ strategy: "one_for_all", children: [{ id: "b", start: idle }, { id: "c", start: idle }] }),
      },
      { id: "d", start: idle },
    ],
  }));
  const children = await root.whichChildren();
  const startedAt = new Map([[children[0].ref!.id, performance.now() - 5000]]);
  const rows = await collectRows(root, startedAt);
  assert.deepEqual(rows.map((r) => [r.depth, r.id, r.status]), [
    [0, "a", "running"],
    [0, "inner", "running"],
    [1, "b", "running"],
    [1, "c", "running"],
    [0, "d", "running"],
  ]);
  assert.ok(rows[0].uptimeMs! >= 5000);
  assert.equal(rows[4].uptimeMs, undefined, "no start time known");
});
