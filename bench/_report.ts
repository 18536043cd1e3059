/** Medians of one run, as bench/main.ts writes them and bench/compare.ts reads them. */
export interface Results {
  runtime: string;
  date: string;
  cases: Record<string, { medianNs: number; ops: number; unit: string; group?: string }>;
  probes: Record<string, { value: number; unit: string }>;
}

/** "12.3 ns", "4.56 us", "7.89 ms". */
export function formatNs(ns: number): string {
  if (ns < 1_000) return `${ns.toFixed(1)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(2)} us`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

/** "39.4M", "812k" per second. */
function perSecond(nsPerOp: number): string {
  const rate = 1e9 / nsPerOp;
  return rate >= 1e6 ? `${(rate / 1e6).toFixed(1)}M` : rate >= 1e3 ? `${(rate / 1e3).toFixed(0)}k` : rate.toFixed(1);
}

/**
 * Prints one line per case: ns per op, ops per second, and for our cases, against
 * the limits and peers of the same group (the same workload), the ratio of the
 * limit's per-op time to ours (share of the limit reached) and of each peer's
 * per-op time to ours (how many times faster we are).
 */
export function printReport(results: Results): void {
  const entries = Object.entries(results.cases);
  const workload = (name: string) =>
    name.slice(name.indexOf("/") + 1).replace(
      /_(ring_buffer|function_call|xstate_\w+|nact|effect|pm2|raw\w*|execa|native)$/,
      "",
    );
  console.log(`\nper op (${results.runtime})`);
  for (const [name, r] of entries) {
    const perOp = r.medianNs / r.ops;
    let line = `${name.padEnd(40)} ${formatNs(perOp).padStart(10)}/${r.unit.padEnd(6)} ${
      perSecond(perOp).padStart(7)
    }/s`;
    if (!name.startsWith("limit/") && !name.startsWith("peer/")) {
      const related = entries.filter(([other, o]) =>
        other !== name && o.group === r.group && /^(limit|peer)\//.test(other)
      );
      const ratios = related.map(([other, o]) => {
        const ratio = (o.medianNs / o.ops) / perOp;
        return other.startsWith("limit/")
          ? `${(ratio * 100).toFixed(0)}% of ${other.replace(/^.*?_(ring_buffer|function_call|raw\w*|native)$/, "$1")}`
          : `${ratio.toFixed(1)}x ${other.slice(`peer/${workload(name)}_`.length)}`;
      });
      if (ratios.length > 0) line += `   ${ratios.join(", ")}`;
    }
    console.log(line);
  }
}
