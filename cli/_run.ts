import type { Server } from "node:http";
import process from "node:process";
import { ActorSystem, formatExitReason, type SupervisorRef, type SystemEvent } from "../mod.ts";
import { metrics } from "../metrics/mod.ts";
import { procEntry } from "../osl/internal.ts";
import { after } from "../src/internal.ts";
import { type Config, loadConfig, parseConfig } from "./config.ts";
import { serveControl } from "./_control.ts";
import { eventJson, eventLine, EventPaths, type OutputMode, type PathedEvent, screen } from "./_output.ts";
import { applyReload, type ReloadReport } from "./_reload.ts";
import { joinTreeCluster, type TreeInCluster } from "./_cluster.ts";
import { notify, serveMetrics, watchdog } from "./_service.ts";
import { renderTable } from "./_status_table.ts";
import { Tree } from "./_tree.ts";

/** Streams the command writes to; replaceable for tests. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
}

/** How one run of a tree is shown, bounded and served. */
export interface RunOptions {
  output: OutputMode;
  /** Show the children's output lines (otherwise they go only to their log files). */
  logs: boolean;
  /** Stop after this long, in ms. */
  durationMs?: number;
  /** The config file (undefined: the embedded demo), re-read by a reload. */
  configPath?: string;
  /** The control socket to listen on (`supervise ctl`); undefined: none. */
  socket?: string;
  /** `HOST:PORT` to serve Prometheus metrics on. */
  metrics?: string;
  /** Stop when the process that started this one exits (not for a daemon). @default true */
  watchParent?: boolean;
}

/** Signals that stop the tree in order; SIGHUP reloads the config. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;
/** How often the runtime checks that the process (and the job) that started it is still there, in ms. */
const PARENT_CHECK_MS = 500;
/** How long the root has to answer before a watchdog ping is skipped, in ms. */
const WATCHDOG_ANSWER_MS = 1000;
/** Events kept for `supervise ctl events`. */
const RECENT_EVENTS = 200;

/**
 * Runs the tree of `config` until SIGINT or SIGTERM, `ctl shutdown`, the death of the
 * process that started the runtime (a wrapper such as `npm run` that exits without passing
 * the signal on), `durationMs`, or the root giving up; then stops it in reverse start
 * order. SIGHUP and `ctl reload` re-read the config and apply it as a diff. Resolves with
 * the exit code: 0 on request, 1 when the tree gave up.
 */
export async function runTree(config: Config, options: RunOptions, io: CliIo): Promise<number> {
  const { output } = options;
  let current = config;
  const system = new ActorSystem();
  const events: string[] = [];
  const logs: string[] = [];
  const recent: PathedEvent[] = [];
  const followers = new Set<(event: PathedEvent) => void>();
  const { promise: stopped, resolve: stop } = Promise.withResolvers<{ code: number; why: string }>();
  const warn = (text: string) => io.stderr.write(`supervise: ${text}\n`);
  const warnError = (error: Error) => warn(error.message);

  let cluster: TreeInCluster | undefined;
  const show = (event: PathedEvent): void => {
    cluster?.onEvent(event);
    if (event.type !== "process_sample") {
      recent.push(event);
      if (recent.length > RECENT_EVENTS) recent.shift();
      for (const follower of followers) follower(event);
    }
    if (event.type === "process_sample" && output !== "json") return;
    if (event.type === "log" && !options.logs) return; // output goes to the log files only
    if (output === "json") io.stdout.write(`${eventJson(event)}\n`);
    else if (output === "lines") io.stdout.write(`${eventLine(event)}\n`);
    else (event.type === "log" ? logs : events).push(eventLine(event)), trim(logs), trim(events);
  };
  const root = system.spawn(config.root, { name: config.id }) as SupervisorRef;
  const paths = new EventPaths(root.id, config.id, show);
  system.events.subscribe((event: SystemEvent) => paths.route(event));
  system.events.subscribe((event) => {
    if (event.type === "actor_exited" && event.actor === root.id) {
      stop({ code: 1, why: `the tree gave up: ${formatExitReason(event.reason)}` });
    }
  });
  const tree = new Tree(root, config.id, paths.startedAt);
  const registry = metrics(system, { childName: (sup, childId) => `${paths.pathOf(sup) ?? sup}/${childId}` });

  const reload = async (): Promise<ReloadReport> => {
    const { json, baseDir } = loadConfig(options.configPath);
    const next = parseConfig(json, baseDir); // a bad config is refused whole, before anything changes
    if (next.id !== current.id) {
      throw new TypeError(`Invalid config at $.id: cannot change on reload (got "${next.id}")`);
    }
    notify("RELOADING=1", warnError);
    const report = await applyReload(tree, current.tree, next.tree, baseDir);
    current = next;
    notify("READY=1", warnError);
    return report;
  };
  const onHangup = () =>
    void reload().then(
      ({ changes, errors }) =>
        warn(`reloaded: ${changes.length === 0 ? "nothing changed" : changes.join("; ")}${
          errors.map((e) => `; ${e}`).join("")
        }`),
      (error) =>
        warn(`reload refused, the tree is untouched: ${(error as Error).message}`),
    );

  const onSignal = STOP_SIGNALS.map((signal) => [signal, () => stop({ code: 0, why: `received ${signal}` })] as const);
  for (const [signal, fn] of onSignal) process.on(signal, fn);
  process.on("SIGHUP", onHangup);
  const watchParent = options.watchParent === false ? undefined : watchStarter(stop);
  const cancelTimer = options.durationMs === undefined
    ? undefined
    : after(options.durationMs, () => stop({ code: 0, why: `ran for ${options.durationMs! / 1000} s` }));

  let control: { close(): Promise<void> } | undefined;
  let metricsServer: Server | undefined;
  const services = (async () => {
    if (options.socket !== undefined) {
      control = await serveControl(options.socket, {
        tree,
        recent: () => [...recent],
        follow: (listener) => (followers.add(listener), () => followers.delete(listener)),
        reload,
        shutdown: () => stop({ code: 0, why: "ctl shutdown" }),
      });
    }
    if (options.metrics !== undefined) metricsServer = await serveMetrics(options.metrics, registry);
    if (config.tree.cluster !== undefined) cluster = await joinTreeCluster(system, config.tree.cluster, tree, warn);
  })().catch((error) => {
    warn((error as Error).message);
    stop({ code: 2, why: "a service could not start" });
  });
  // The root answers once its init has started every child in order (OTP's start_link).
  void Promise.all([services, root.whichChildren()]).then(() => notify("READY=1", warnError), () => {});
  const stopWatchdog = watchdog(() => answers(root, WATCHDOG_ANSWER_MS), warnError);

  let drawing = false;
  const draw = async () => {
    if (drawing || !root.alive) return;
    drawing = true;
    try {
      const table = renderTable(await tree.rows().catch(() => []));
      const width = Math.max(20, (io.stdout.columns ?? 120) - 1);
      const lines = screen(
        `${config.id}  (Ctrl-C stops the tree)`,
        table,
        events,
        options.logs ? logs : undefined,
        width,
      );
      // Home the cursor and overwrite: clipped lines never wrap, so nothing is left behind.
      io.stdout.write(`\x1b[H${lines.map((line) => `${line}\x1b[K`).join("\n")}\n\x1b[J`);
    } finally {
      drawing = false;
    }
  };
  if (output === "table") io.stdout.write("\x1b[2J");
  const redraw = output === "table" ? setInterval(draw, 500) : undefined;
  if (output !== "json") warn(`started ${config.id}; Ctrl-C or SIGTERM stops it, SIGHUP reloads its config`);

  const { code, why } = await stopped;
  notify("STOPPING=1", () => {});
  await services;
  cancelTimer?.();
  stopWatchdog();
  clearInterval(redraw);
  clearInterval(watchParent);
  if (output === "table") await draw();
  warn(`${why}; stopping ${config.id}`);
  await cluster?.leave().catch(warnError); // peers see node_down "leave", and the names go with it
  await system.shutdown();
  await control?.close();
  metricsServer?.close();
  for (const [signal, fn] of onSignal) process.off(signal, fn);
  process.off("SIGHUP", onHangup);
  warn("stopped, no child left running");
  return code;
}

/**
 * Stops the tree when the process that started it exits, or the leader of its process
 * group does (the job the shell started: `npm run` dies of a SIGHUP and leaves its `sh -c`
 * and this process running). A zombie leader counts as gone. Returns the check's timer.
 */
function watchStarter(stop: (outcome: { code: number; why: string }) => void): ReturnType<typeof setInterval> {
  const parent = process.ppid;
  const self = procEntry(process.pid);
  const leader = self !== undefined && self.pgid !== process.pid ? procEntry(self.pgid) : undefined;
  return setInterval(() => {
    if (process.ppid !== parent) return stop({ code: 0, why: `the process that started it (pid ${parent}) exited` });
    if (leader === undefined) return;
    const now = procEntry(leader.pid);
    if (now === undefined || now.startTime !== leader.startTime || now.state === "Z") {
      stop({ code: 0, why: `the leader of its process group (pid ${leader.pid}, the job that started it) exited` });
    }
  }, PARENT_CHECK_MS);
}

/** True when the root supervisor answers a call within `ms`: the tree is not wedged. */
function answers(root: SupervisorRef, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = after(ms, () => resolve(false));
    root.countChildren().then(() => (cancel(), resolve(true)), () => (cancel(), resolve(false)));
  });
}

/** Keeps the latest 100 lines of an area. */
function trim(lines: string[]): void {
  if (lines.length > 100) lines.splice(0, lines.length - 100);
}
