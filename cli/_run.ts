import process from "node:process";
import { ActorSystem, formatExitReason, type SupervisorRef, type SystemEvent } from "../mod.ts";
import { after } from "../src/internal.ts";
import type { Config } from "./config.ts";
import { eventJson, eventLine, EventPaths, type OutputMode, type PathedEvent, screen } from "./_output.ts";
import { collectRows, renderTable } from "./_status_table.ts";

/** Streams the command writes to; replaceable for tests. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
}

/** How one run of a tree is shown and bounded. */
export interface RunOptions {
  output: OutputMode;
  /** Show the children's output lines (otherwise they go only to their log files). */
  logs: boolean;
  /** Stop after this long, in ms. */
  durationMs?: number;
}

/** Signals that stop the tree in order (SIGHUP too, as a terminal closing sends it). */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** How often the runtime checks that the process that started it is still there, in ms. */
const PARENT_CHECK_MS = 500;

/**
 * Runs the tree of `config` until a stop signal, the death of the process that started
 * the runtime (a wrapper such as `npm run` that exits without passing the signal on),
 * `durationMs`, or the root giving up; then stops it in reverse start order. Resolves
 * with the exit code: 0 on request, 1 when the tree gave up.
 */
export async function runTree(config: Config, options: RunOptions, io: CliIo): Promise<number> {
  const { output } = options;
  const system = new ActorSystem();
  const events: string[] = [];
  const logs: string[] = [];
  const { promise: stopped, resolve: stop } = Promise.withResolvers<{ code: number; why: string }>();

  const show = (event: PathedEvent): void => {
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

  const onSignal = STOP_SIGNALS.map((signal) => [signal, () => stop({ code: 0, why: `received ${signal}` })] as const);
  for (const [signal, fn] of onSignal) process.on(signal, fn);
  const parent = process.ppid;
  const watchParent = setInterval(() => {
    if (process.ppid !== parent) stop({ code: 0, why: `the process that started it (pid ${parent}) exited` });
  }, PARENT_CHECK_MS);
  const cancelTimer = options.durationMs === undefined
    ? undefined
    : after(options.durationMs, () => stop({ code: 0, why: `ran for ${options.durationMs! / 1000} s` }));

  let drawing = false;
  const draw = async () => {
    if (drawing || !root.alive) return;
    drawing = true;
    try {
      const table = renderTable(await collectRows(root, paths.startedAt));
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
  if (output !== "json") io.stderr.write(`supervise: started ${config.id}; Ctrl-C or SIGTERM stops it\n`);

  const { code, why } = await stopped;
  cancelTimer?.();
  clearInterval(redraw);
  clearInterval(watchParent);
  if (output === "table") await draw();
  io.stderr.write(`supervise: ${why}; stopping ${config.id}\n`);
  await system.shutdown();
  for (const [signal, fn] of onSignal) process.off(signal, fn);
  io.stderr.write(`supervise: stopped, no child left running\n`);
  return code;
}

/** Keeps the latest 100 lines of an area. */
function trim(lines: string[]): void {
  if (lines.length > 100) lines.splice(0, lines.length - 100);
}
