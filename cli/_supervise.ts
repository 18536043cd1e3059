import { tmpdir } from "node:os";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { configJsonSchema, loadConfig, parseConfig } from "./config.ts";
import { defaultSocket } from "./_ctl.ts";
import { type CliIo, runTree } from "./_run.ts";
import { daemonize, listenAddress, pidfile, selfArgv, systemdUnit } from "./_service.ts";
import { VERSION } from "./_version.ts";

const USAGE = `Usage: supervise [run|start] [config.json] [options]
       supervise start config.json --daemon [--pidfile PATH] [--log-file PATH]
       supervise ctl [--socket PATH] <command>     (supervise ctl --help)
       supervise systemd-unit config.json [options]
       supervise --schema | --version

Runs the supervisor tree described by config.json (default: the embedded demo,
examples/demo.json) until SIGINT or SIGTERM, \`ctl shutdown\`, the exit of the process
that started it, or --duration seconds; then stops it in reverse start order and exits,
leaving no child running. SIGHUP (or \`ctl reload\`) re-reads the config and applies
what changed.

Options:
  --json              print each event as one JSON line on stdout
  --logs              show the children's output (otherwise it goes only to their log files)
  --duration <s>      stop the tree after <s> seconds
  --socket <path>     the control socket (default: $XDG_RUNTIME_DIR/supervise-<id>.sock,
                      else .supervise-<id>.sock beside the config)
  --metrics <h:p>     serve Prometheus metrics at http://<h:p>/metrics
  --daemon            (start) detach, write a pidfile, log to a file; return once it is up
  --pidfile <path>    (start --daemon) default: <socket>.pid
  --log-file <path>   (start --daemon) default: supervise-<id>.log beside the config
  --schema            print the config's JSON Schema and exit
  -v, --version       print the version and exit
  -h, --help          show this help

Output: a live table on a terminal, otherwise one line per event.
Exit codes: 0 stopped on request; 1 the tree gave up (a start failed, or the
root reached its restart intensity); 2 bad arguments or config.`;

/** This command's executable (the source or its build), for units and daemons. */
const BIN = fileURLToPath(new URL(import.meta.url.endsWith(".ts") ? "./bin.ts" : "./bin.js", import.meta.url));

/** `supervise [run|start|systemd-unit] ...` (everything but `ctl`); resolves with the exit code. */
export function supervise(args: string[], io: CliIo): Promise<number> {
  const command = args[0] === "run" || args[0] === "start" || args[0] === "systemd-unit" ? args[0] : "run";
  if (command !== "run" || args[0] === "run") args = args.slice(1);
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: "boolean" },
        logs: { type: "boolean" },
        duration: { type: "string" },
        socket: { type: "string" },
        metrics: { type: "string" },
        daemon: { type: "boolean" },
        pidfile: { type: "string" },
        "log-file": { type: "string" },
        schema: { type: "boolean" },
        version: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return (io.stdout.write(`${USAGE}\n`), Promise.resolve(0));
  if (values.version) return (io.stdout.write(`${VERSION}\n`), Promise.resolve(0));
  if (values.schema) return (io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`), Promise.resolve(0));
  const durationS = values.duration === undefined ? undefined : Number(values.duration);
  if (positionals.length > 1) return usage(io, `one config expected, got ${positionals.length}`);
  if (durationS !== undefined && !(durationS > 0)) {
    return usage(io, `--duration must be a positive number of seconds, got "${values.duration}"`);
  }
  if (values.daemon && command !== "start") return usage(io, "--daemon goes with `supervise start`");
  const configPath = positionals[0] === undefined ? undefined : resolve(positionals[0]);
  let config;
  try {
    const { json, baseDir } = loadConfig(configPath);
    config = parseConfig(json, baseDir);
    if (values.metrics !== undefined) listenAddress(values.metrics); // refused before anything starts
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
    io.stderr.write(`supervise: ${error.message}\n`);
    return Promise.resolve(2);
  }
  const socketDir = configPath === undefined ? (process.env.XDG_RUNTIME_DIR ?? tmpdir()) : dirname(configPath);
  // A system unit has no $XDG_RUNTIME_DIR of its own: its socket goes beside the config.
  const env = command === "systemd-unit" ? {} : process.env;
  const socket = values.socket === undefined ? defaultSocket(env, socketDir, config.id) : resolve(values.socket);
  const passOn = [
    ...(configPath === undefined ? [] : [configPath]),
    "--socket",
    socket,
    ...(values.metrics === undefined ? [] : ["--metrics", values.metrics]),
  ];
  if (command === "systemd-unit") {
    io.stdout.write(systemdUnit(config.id, [...selfArgv(BIN), "run", ...passOn, "--json"], socketDir));
    return Promise.resolve(0);
  }
  if (values.daemon) {
    const logFile = values["log-file"] ?? resolve(dirname(configPath ?? socket), `supervise-${config.id}.log`);
    const pid = values.pidfile ?? `${socket}.pid`;
    return daemonize([...selfArgv(BIN), "run", ...passOn, "--json", "--pidfile", pid], logFile, socket).then(
      (
        child,
      ) => (io.stdout.write(`supervise: ${config.id} runs as pid ${child}; socket ${socket}; log ${logFile}\n`), 0),
      (error) => (io.stderr.write(`supervise: ${(error as Error).message}\n`), 1),
    );
  }
  let removePid: (() => void) | undefined;
  try {
    removePid = values.pidfile === undefined ? undefined : pidfile(values.pidfile);
  } catch (error) {
    io.stderr.write(`supervise: ${(error as Error).message}\n`);
    return Promise.resolve(2);
  }
  const output = values.json ? "json" : io.stdout.isTTY ? "table" : "lines";
  return runTree(config, {
    output,
    logs: values.logs ?? false,
    durationMs: durationS === undefined ? undefined : durationS * 1000,
    configPath,
    socket,
    metrics: values.metrics,
    watchParent: process.env.AIRSSYS_DAEMON !== "1",
  }, io).finally(() => removePid?.());
}

function usage(io: CliIo, why: string): Promise<number> {
  io.stderr.write(`supervise: ${why}\n\n${USAGE}\n`);
  return Promise.resolve(2);
}
