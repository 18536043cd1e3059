/**
 * Runs every bench/<topic>_bench.ts case outside `deno bench`:
 *
 * - `bun bench/main.ts [--json out.json] [filter]`: mitata measures every case,
 *   then the probes (bytes, CPU) run; a per-op table follows, with ratios to the
 *   limit and to each peer; `--json` writes the medians for bench/compare.ts.
 * - `BENCH_SMOKE=1 <runtime> bench/main.ts`: every case and probe once at tiny
 *   sizes (CI keeps them running; timing is never a gate).
 * - `deno run -A bench/main.ts --probes`: the probes only (times come from `deno bench`).
 */
import { readdirSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type BenchCase, cases, probes, runtimeLabel, SMOKE } from "./_harness.ts";
import { printReport, type Results } from "./_report.ts";

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { json: { type: "string" }, probes: { type: "boolean" } },
});
const filter = new RegExp(positionals[0] ?? ".");

const dir = fileURLToPath(new URL(".", import.meta.url));
for (const file of readdirSync(dir).filter((f) => f.endsWith("_bench.ts")).sort()) {
  await import(`./${file}`);
}
console.log(`runtime: ${runtimeLabel()}${SMOKE ? " (smoke mode: tiny sizes, one run each)" : ""}`);

const selected = cases.filter((c) => filter.test(c.name));
const results: Results = { runtime: runtimeLabel(), date: new Date().toISOString(), cases: {}, probes: {} };

if (SMOKE) {
  for (const c of selected) {
    const started = performance.now();
    await c.fn();
    console.log(`ok ${c.name} (${(performance.now() - started).toFixed(1)} ms)`);
  }
} else if (!values.probes) {
  const { bench, group, run } = await import("mitata");
  const byGroup = Map.groupBy(selected, (c: BenchCase) => c.group);
  for (const [name, members] of byGroup) {
    group(name, () => {
      for (const c of members) bench(c.name, c.fn);
    });
  }
  const { benchmarks } = await run();
  for (const trial of benchmarks) {
    for (const r of trial.runs) {
      const c = selected.find((x) => x.name === r.name);
      if (c && r.stats) results.cases[c.name] = { medianNs: r.stats.p50, ops: c.ops, unit: c.unit, group: c.group };
    }
  }
}

const selectedProbes = probes.filter((x) => filter.test(x.name));
for (const p of selectedProbes) {
  const value = await p.measure();
  if (Number.isNaN(value)) continue; // not measurable on this runtime or in smoke mode
  results.probes[p.name] = { value, unit: p.unit };
  console.log(`${SMOKE ? "ok " : ""}${p.name}: ${value.toFixed(2)} ${p.unit}`);
}

if (!SMOKE && !values.probes) printReport(results);
if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
if (SMOKE) console.log(`${selected.length + selectedProbes.length} passed, 0 failed`);
process.exit(0);
