/**
 * Compares a run of bench/main.ts with the accepted baseline of its runtime:
 *
 *   deno run -A bench/compare.ts results.json [bench/baselines/<runtime>.json]
 *
 * Prints each case's per-op median before and now and the change, flags changes
 * beyond 10% (REGRESSION when slower or bigger, improved when faster or smaller),
 * and exits 1 when anything regressed. Timing is never a CI gate: CI does not run this.
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { formatNs, type Results } from "./_report.ts";

const [resultsPath, baselineArg] = process.argv.slice(2);
if (resultsPath === undefined) {
  console.error("usage: compare.ts <results.json> [baseline.json]");
  process.exit(2);
}
const now: Results = JSON.parse(readFileSync(resultsPath, "utf8"));
const runtime = now.runtime.split(" ")[0];
const baselinePath = baselineArg ?? fileURLToPath(new URL(`./baselines/${runtime}.json`, import.meta.url));
const before: Results = JSON.parse(readFileSync(baselinePath, "utf8"));

console.log(`${now.runtime} (${now.date}) against ${before.runtime} (${before.date})\n`);
let regressions = 0;
const rows: [string, string, string, number | undefined][] = [];
for (const [name, r] of Object.entries(now.cases)) {
  const b = before.cases[name];
  const perOp = r.medianNs / r.ops;
  rows.push([
    name,
    b ? formatNs(b.medianNs / b.ops) : "-",
    formatNs(perOp),
    b ? perOp / (b.medianNs / b.ops) - 1 : undefined,
  ]);
}
for (const [name, p] of Object.entries(now.probes)) {
  const b = before.probes[name];
  const fmt = (v: number) => `${v.toFixed(2)} ${p.unit}`;
  // Probes near zero (CPU shares) change by large ratios on noise; compare those absolutely.
  const change = b === undefined
    ? undefined
    : Math.abs(b.value) < 1
    ? (p.value - b.value) / 100
    : p.value / b.value - 1;
  rows.push([name, b ? fmt(b.value) : "-", fmt(p.value), change]);
}
for (const [name, was, is, change] of rows) {
  const flag = change === undefined ? "new" : change > 0.1 ? "REGRESSION" : change < -0.1 ? "improved" : "";
  if (flag === "REGRESSION") regressions++;
  const pct = change === undefined ? "" : `${change >= 0 ? "+" : ""}${(change * 100).toFixed(1)}%`;
  console.log(`${name.padEnd(42)} ${was.padStart(14)} -> ${is.padEnd(14)} ${pct.padStart(8)}  ${flag}`);
}
for (const name of Object.keys(before.cases).filter((n) => !(n in now.cases))) {
  console.log(`${name.padEnd(42)} (not in this run)`);
}
console.log(`\n${regressions} case(s) beyond +10%`);
process.exit(regressions > 0 ? 1 : 0);
