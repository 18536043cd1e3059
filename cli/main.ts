/**
 * The `supervise` command's arguments and dispatch (`cli/bin.ts` runs it).
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { configJsonSchema, loadConfig, parseConfig } from "./config.ts";
import { type CliIo, runTree } from "./_run.ts";
import { VERSION } from "./_version.ts";

const USAGE = `Usage: supervise [config.json] [--json] [--logs] [--duration <seconds>]
       supervise --schema

Runs the supervisor tree described by config.json (default: the embedded demo,
examples/demo.json) until SIGINT, SIGTERM or SIGHUP, until the process that started
it exits, or for --duration seconds; then stops it in reverse start order and exits,
leaving no child running.

Options:
  --json              print each event as one JSON line on stdout
  --logs              show the children's output (otherwise it goes only to their log files)
  --duration <s>      stop the tree after <s> seconds
  --schema            print the config's JSON Schema and exit
  -v, --version       print the version and exit
  -h, --help          show this help

Output: a live table on a terminal, otherwise one line per event.
Exit codes: 0 stopped on request; 1 the tree gave up (a start failed, or the
root reached its restart intensity); 2 bad arguments or config.`;

export type { CliIo };

/**
 * Runs `supervise` with command-line `args`; resolves with the exit code once the
 * tree has stopped (see USAGE).
 */
export function main(args: string[], io: CliIo = process): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        logs: { type: "boolean" },
        duration: { type: "string" },
        schema: { type: "boolean" },
        version: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.stderr.write(`supervise: ${(error as Error).message}\n\n${USAGE}\n`);
    return Promise.resolve(2);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return Promise.resolve(0);
  }
  if (values.version) {
    io.stdout.write(`${VERSION}\n`);
    return Promise.resolve(0);
  }
  if (values.schema) {
    io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return Promise.resolve(0);
  }
  const durationS = values.duration === undefined ? undefined : Number(values.duration);
  if (positionals.length > 1 || (durationS !== undefined && !(durationS > 0))) {
    const why = positionals.length > 1
      ? `one config expected, got ${positionals.length}`
      : `--duration must be a positive number of seconds, got "${values.duration}"`;
    io.stderr.write(`supervise: ${why}\n\n${USAGE}\n`);
    return Promise.resolve(2);
  }
  let config;
  try {
    const { json, baseDir } = loadConfig(positionals[0]);
    config = parseConfig(json, baseDir);
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
    io.stderr.write(`supervise: ${error.message}\n`);
    return Promise.resolve(2);
  }
  const output = values.json ? "json" : io.stdout.isTTY ? "table" : "lines";
  return runTree(config, {
    output,
    logs: values.logs ?? false,
    durationMs: durationS === undefined ? undefined : durationS * 1000,
  }, io);
}
