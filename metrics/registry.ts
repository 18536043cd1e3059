import { Counter, Gauge, Registry } from "prom-client";
import type { ActorSystem, SystemStats } from "../mod.ts";
import { type ChildState, ChildStates } from "./_child_states.ts";

/**
 * A prom-client `Registry`, typed by what a scrape needs (prom-client's own type is the
 * whole class; a prom-client `Registry` is one of these, and `metrics()` returns one).
 */
export interface MetricsRegistry {
  /** The Prometheus text exposition of every registered metric. */
  metrics(): Promise<string>;
  /** The Content-Type of that text. */
  readonly contentType: string;
}

type Labels = Record<string, string>;

/** Options of `metrics`. */
export interface MetricsOptions {
  /** The `child` label of a supervisor's child (`supervise` gives its path, e.g. `demo/web`). @default "<supervisor id>/<child id>" */
  childName?: (supervisor: string, childId: string) => string;
  /** A prom-client `Registry` to register in, beside the application's own metrics. @default a new one */
  registry?: MetricsRegistry;
  /** Prefix of every metric's name. @default "airssys_" */
  prefix?: string;
}

/**
 * Prometheus metrics of an actor system, in a prom-client `Registry`: per supervised child
 * (label `child`) `up`, `restarts_total`, `start_failures_total`, `cpu_percent`,
 * `rss_bytes` (OS processes; their tree's) and `uptime_seconds`; per system `actors`,
 * `mailbox_depth`, `dead_letters_total` and `messages_processed_total`. Children are
 * followed through the system's events from the call on (a supervisor's are forgotten
 * when it exits; a new instance counts anew, as OTP's does); every value, and each
 * child's label, is read at each scrape. `supervise --metrics` serves the same registry.
 *
 * @throws {TypeError} when `options.registry` is not a prom-client `Registry`
 *
 * @example
 * ```ts
 * import { ActorSystem } from "@airssys/rt";
 * import { metrics } from "@airssys/rt/metrics";
 * await using system = new ActorSystem();
 * const registry = metrics(system);
 * console.log(await registry.metrics()); // Prometheus text
 * ```
 */
export function metrics(system: ActorSystem, options: MetricsOptions = {}): MetricsRegistry {
  const { prefix = "airssys_" } = options;
  const registry = (options.registry ?? new Registry()) as Registry;
  if (typeof registry.registerMetric !== "function") {
    throw new TypeError("Invalid metrics options at registry: must be a prom-client Registry");
  }
  const childName = options.childName ?? ((supervisor: string, childId: string) => `${supervisor}/${childId}`);
  const children = new ChildStates(system);
  /** A counter (`_total`) or gauge whose samples are taken at each scrape. */
  const define = (name: string, help: string, labelNames: string[], samples: () => Iterable<[Labels, number]>) => {
    const Kind = name.endsWith("_total") ? Counter : Gauge;
    new Kind({
      name: `${prefix}${name}`,
      help,
      labelNames,
      registers: [registry],
      collect(this: Gauge | Counter) {
        this.reset();
        for (const [labels, value] of samples()) {
          if (this instanceof Gauge) this.set(labels, value);
          else this.inc(labels, value);
        }
      },
    });
  };
  // A child's label is its name at scrape time: `supervise` learns a nested supervisor's
  // path only after that supervisor's children have started.
  const perChild = (name: string, help: string, value: (child: ChildState, now: number) => number | undefined) =>
    define(name, help, ["child"], function* () {
      const now = performance.now();
      for (const child of children.all()) {
        const v = value(child, now);
        if (v !== undefined) yield [{ child: childName(child.supervisor, child.childId) }, v];
      }
    });
  perChild("child_up", "1 while the child runs", (c) => (c.startedAt === undefined ? 0 : 1));
  perChild("child_restarts_total", "Restarts of the child by its supervisor", (c) => c.restarts);
  perChild("child_start_failures_total", "Failed starts of the child", (c) => c.failures);
  perChild("child_cpu_percent", "CPU use of the child's process tree, percent of one core", (c) => c.cpuPercent);
  perChild("child_rss_bytes", "Resident memory of the child's process tree, bytes", (c) => c.rssBytes);
  perChild(
    "child_uptime_seconds",
    "Seconds since the child's current run started",
    (c, now) => (c.startedAt === undefined ? undefined : (now - c.startedAt) / 1000),
  );
  const perSystem = (name: string, help: string, read: (stats: SystemStats) => number) =>
    define(name, help, [], () => [[{}, read(system.stats())]]);
  perSystem("actors", "Live actors", (s) => s.actors);
  perSystem("mailbox_depth", "Messages waiting in all mailboxes", (s) => s.mailboxDepth);
  perSystem("dead_letters_total", "Dead letters since the system started", (s) => s.deadLetters);
  perSystem("messages_processed_total", "Messages handled since the system started", (s) => s.processed);
  return registry;
}
