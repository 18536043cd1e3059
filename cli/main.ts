/**
 * The `supervise` command: runs a supervisor tree of OS processes described in JSON.
 *
 * ```sh
 * deno run -A cli/main.ts [config.json] [--json] [--duration <seconds>]
 * bun cli/main.ts [config.json] [--json] [--duration <seconds>]
 * ```
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { ActorSystem, formatExitReason, type SystemEvent } from "../mod.ts";
import { after } from "../src/internal.ts";
import { configJsonSchema, loadConfig, parseConfig } from "./config.ts";
import { collectRows, renderTable } from "./_status_table.ts";

const USAGE = `Usage: supervise [config.json] [--json] [--duration <seconds>]
       supervise --schema

Runs the supervisor tree described by config.json (default: the embedded demo,
examples/demo.json) until SIGINT or SIGTERM, or for --duration seconds; then stops
it in reverse start order and exits, leaving no child running.

Options:
  --json              print each event as one JSON line on stdout
  --duration <s>      stop the tree after <s> seconds
  --schema            print the config's JSON Schema and exit
  -h, --help          show this help

Output: a live table on a terminal, otherwise one line per event.
Exit codes: 0 stopped on request; 1 the tree gave up (a start failed, or the
root reached its restart intensity); 2 bad arguments or config.`;

/** Streams the command writes to; replaceable for tests. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
}

type Output = "table" | "lines" | "json";

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { ...value, name: value.name, message: value.message };
  return value;
}

function describe(event: SystemEvent): string {
  switch (event.type) {
    case "child_started":
      return event.pid === undefined ? "" : `pid=${event.pid}`;
    case "child_exited":
      return `${event.pid === undefined ? "" : `pid=${event.pid} `}reason="${formatExitReason(event.reason)}"`;
    case "child_restarted":
      return `${event.pid === undefined ? "" : `pid=${event.pid} `}restarts=${event.restarts}`;
    case "child_start_failed":
      return `error="${event.error instanceof Error ? event.error.message : String(event.error)}"`;
    case "supervisor_shutdown":
      return `reason=${event.reason}`;
    case "dead_letter":
      return `actor=${event.actor} reason=${event.reason}`;
    case "health_check_failed":
      return `failures=${event.failures} error="${event.error instanceof Error ? event.error.message : String(event.error)}"`;
    case "log":
      return `${event.stream}: ${event.line}`;
    default:
      return "";
  }
}

/**
 * Runs `supervise` with command-line `args`; resolves with the exit code once the
 * tree has stopped (see USAGE).
 */
export async function main(args: string[], io: CliIo = process): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        duration: { type: "string" },
        schema: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.stderr.write(`supervise: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.schema) {
    io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  const durationS = values.duration === undefined ? undefined : Number(values.duration);
  if (positionals.length > 1 || (durationS !== undefined && !(durationS > 0))) {
    const why = positionals.length > 1 ? `one config expected, got ${positionals.length}` : `--duration must be a positive number of seconds, got "${values.duration}"`;
    io.stderr.write(`supervise: ${why}\n\n${USAGE}\n`);
    return 2;
  }
  let config;
  try {
    const { json, baseDir } = loadConfig(positionals[0]);
    config = parseConfig(json, baseDir);
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
    io.stderr.write(`supervise: ${error.message}\n`);
    return 2;
  }

  const output: Output = values.json ? "json" : io.stdout.isTTY ? "table" : "lines";
  const system = new ActorSystem();
  const paths = new Map<string, string>();
  const startedAt = new Map<string, number>();
  const recent: string[] = [];
  const { promise: stopped, resolve: stop } = Promise.withResolvers<{ code: number; why: string }>();

  // A nested supervisor's children start (and report) before it does, so events of a
  // supervisor whose path is not known yet wait for its own child_started.
  const pending = new Map<string, SystemEvent[]>();
  const print = (event: SystemEvent, path: string | undefined): void => {
    if (output === "json") {
      io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), path, ...event }, jsonReplacer)}\n`);
      return;
    }
    if (event.type === "process_sample") return;
    const line = [new Date().toISOString().slice(11, 23), event.type.padEnd(19), path, describe(event)]
      .filter((part) => part).join("  ");
    if (output === "lines") io.stdout.write(`${line}\n`);
    else recent.push(line), recent.splice(0, recent.length - 8);
  };
  const route = (event: SystemEvent): void => {
    if (event.type === "actor_started" || event.type === "actor_exited") return;
    const supervisor = "supervisor" in event ? event.supervisor : undefined;
    if (supervisor !== undefined && !paths.has(supervisor)) {
      const waiting = pending.get(supervisor);
      if (waiting === undefined) pending.set(supervisor, [event]);
      else waiting.push(event);
      return;
    }
    const path = "childId" in event
      ? `${paths.get(event.supervisor)}/${event.childId}`
      : paths.get(supervisor ?? ("actor" in event ? event.actor : ""));
    if (event.type === "child_started" || event.type === "child_restarted" || event.type === "child_start_failed") {
      paths.set(event.actor, path!);
      if (event.type !== "child_start_failed") startedAt.set(event.actor, performance.now());
    }
    print(event, path);
    const actor = "actor" in event ? event.actor : undefined;
    const waiting = actor === undefined ? undefined : pending.get(actor);
    if (waiting !== undefined && paths.has(actor!)) {
      pending.delete(actor!);
      waiting.forEach(route);
    }
  };
  system.events.subscribe(route);

  const root = system.spawn(config.root, { name: config.id });
  paths.set(root.id, config.id);
  system.events.subscribe((event) => {
    if (event.type === "actor_exited" && event.actor === root.id) {
      stop({ code: 1, why: `the tree gave up: ${formatExitReason(event.reason)}` });
    }
  });

  const onSignal = (signal: string) => stop({ code: 0, why: `received ${signal}` });
  const onInt = () => onSignal("SIGINT");
  const onTerm = () => onSignal("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  const cancelTimer = durationS === undefined ? undefined : after(durationS * 1000, () => stop({ code: 0, why: `ran for ${durationS} s` }));

  let drawing = false;
  const draw = async () => {
    if (drawing || !root.alive) return;
    drawing = true;
    try {
      const rows = await collectRows(root, startedAt);
      const width = Math.max(20, (io.stdout.columns ?? 120) - 1);
      const lines = [`${config.id}  (Ctrl-C stops the tree)`, "", ...renderTable(rows).split("\n"), "", ...recent];
      // Home the cursor and overwrite: clipped lines never wrap, so nothing is left behind.
      io.stdout.write(`\x1b[H${lines.map((line) => `${line.slice(0, width)}\x1b[K`).join("\n")}\n\x1b[J`);
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
  if (output === "table") await draw();
  io.stderr.write(`supervise: ${why}; stopping ${config.id}\n`);
  await system.shutdown();
  process.off("SIGINT", onInt);
  process.off("SIGTERM", onTerm);
  io.stderr.write(`supervise: stopped, no child left running\n`);
  return code;
}

if (import.meta.main) {
  process.exit(await main(process.argv.slice(2)));
}
