/**
 * Measures pm2's restart latency (run by the pm2 probe in os_bench.ts, under Bun):
 * pm2 runs in this process (no daemon) and supervises `sleep 600`; 20 times, the
 * child is SIGKILLed and the time to pm2's "online" event is taken. The result is
 * printed as `{"medianMs": n}` (pm2 prefixes it with "PM2 log: ").
 */
import process from "node:process";
import pm2 from "pm2";

type Callback<T> = (error: unknown, result: T) => void;
// deno-lint-ignore no-explicit-any
const call = <T>(fn: (...args: any[]) => void, ...args: unknown[]) =>
  new Promise<T>((resolve, reject) => fn.call(pm2, ...args, ((e, r) => (e ? reject(e) : resolve(r))) as Callback<T>));

const name = `airssys-bench-${process.pid}`;
let pid = 0;
process.on("exit", () => {
  try {
    process.kill(pid, "SIGKILL");
  } catch { /* gone */ }
});
await call(pm2.connect, true);
await call(pm2.start, {
  name,
  script: "sleep",
  args: ["600"],
  interpreter: "none",
  restart_delay: 0,
  min_uptime: 0,
  max_restarts: 1e6,
});
const pidOf = async () => (await call<{ pid: number }[]>(pm2.describe, name))[0].pid;
pid = await pidOf();
const bus = await call<{ on(event: string, fn: (packet: { event: string }) => void): void }>(pm2.launchBus);
let online: (() => void) | undefined;
bus.on("process:event", (packet) => packet.event === "online" && online?.());
const times: number[] = [];
for (let i = 0; i < 20; i++) {
  const { promise, resolve } = Promise.withResolvers<void>();
  online = resolve;
  const started = performance.now();
  process.kill(pid, "SIGKILL");
  await promise;
  times.push(performance.now() - started);
  pid = await pidOf();
}
await call(pm2.delete, name);
times.sort((a, b) => a - b);
console.log(JSON.stringify({ medianMs: times[10] }));
process.exit(0);
