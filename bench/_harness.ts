import process from "node:process";
import { runtimeInfo } from "../osl/internal.ts";

/**
 * One benchmark case, written once and run by `deno bench` (Deno.bench) and by
 * mitata under Bun (`bench/main.ts`).
 *
 * - `name`: `<category>/<case>`, e.g. `messaging/counting`.
 * - `group`: cases compared with each other (Deno's `group`, mitata's `group`).
 * - `baseline`: the reference case of its group (the physical limit, where there is one).
 * - `ops`: units of work one call does (messages, actors, hops), for per-op figures.
 * - `unit`: what `ops` counts, e.g. "msg", "hop", "actor".
 * - `sync`: `fn` never returns a promise (it is then timed without an async wrapper).
 */
export interface BenchCase {
  name: string;
  group: string;
  baseline?: boolean;
  ops: number;
  unit: string;
  sync?: boolean;
  fn: () => void | Promise<void>;
}

/** A measurement that is not a time (bytes, CPU share), taken once per run. */
export interface Probe {
  name: string;
  unit: string;
  measure: () => Promise<number>;
}

/** True when `BENCH_SMOKE=1`: tiny sizes, every case run once (CI keeps them running; never timed). */
export const SMOKE: boolean = process.env.BENCH_SMOKE === "1";

/** `full` normally, `smoke` in smoke mode. */
export function size(full: number, smoke: number): number {
  return SMOKE ? smoke : full;
}

export const cases: BenchCase[] = [];
export const probes: Probe[] = [];

const deno = (globalThis as { Deno?: { bench(options: object): void } }).Deno;

/** Registers a case (and, under Deno, hands it to Deno.bench: a no-op outside `deno bench`). */
export function bench(c: BenchCase): void {
  cases.push(c);
  if (deno !== undefined) {
    // Deno.bench awaits only functions declared async, not ones returning a promise.
    const fn = c.sync ? c.fn : async () => await c.fn();
    const once = SMOKE ? { n: 1, warmup: 0 } : {};
    deno.bench({ name: c.name, group: c.group, baseline: c.baseline ?? false, fn, ...once });
  }
}

/** Registers a probe (run by bench/main.ts on both runtimes). */
export function probe(p: Probe): void {
  probes.push(p);
}

const exitHooks: (() => void)[] = [];

/**
 * Runs `hook` synchronously when the process exits, however the run ends (`deno
 * bench` offers no after-all hook): benches that start OS processes kill them here.
 */
export function atExit(hook: () => void): void {
  if (exitHooks.length === 0) process.on("exit", () => exitHooks.forEach((h) => h()));
  exitHooks.push(hook);
}

/** "bun 1.4.5" or "deno 2.9.5". */
export function runtimeLabel(): string {
  const { name, version } = runtimeInfo();
  return `${name} ${version}`;
}

/** Forces a full GC where the runtime allows it (Bun.gc, or V8's gc with --expose-gc). */
export function collectGarbage(): void {
  const g = globalThis as { Bun?: { gc(force: boolean): void }; gc?: () => void };
  if (g.Bun !== undefined) g.Bun.gc(true);
  else g.gc?.();
}

/** Bytes of JS heap in use. */
export function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}
