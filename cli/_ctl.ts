import { readdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import type { Reply, Request } from "./_control.ts";
import { renderTable, type StatusRow } from "./_status_table.ts";
import type { CliIo } from "./_run.ts";

export const CTL_USAGE = `Usage: supervise ctl [--socket PATH] [--json] [--timeout S] <command>

Commands (a path names a child: demo/pair/producer, or pair/producer):
  status                     the tree: path, status, pid, restarts, uptime, cpu, rss
  start <path>               start a stopped child
  stop <path>                stop a child (its spec is kept)
  restart <path>             stop and start a child; its siblings are untouched
  signal <path> <SIGNAL>     send a signal to an OS process child's group
  logs [-f] [-n N] <path>    the latest N (100) output lines; -f follows
  events [-f]                the latest events as JSON lines; -f follows
  reload                     re-read the config and apply what changed
  shutdown                   stop the tree and exit

A reply is awaited --timeout seconds (30; 0 waits forever): a supervise that is stopped
or hung is reported, not waited on. The socket is --socket, else the one supervise-<id>.sock in $XDG_RUNTIME_DIR, else
the one .supervise-<id>.sock in the current directory.
Exit codes: 0 done; 1 refused (the reason is printed) or no supervise listening;
2 bad arguments, or a reload refused because the config is invalid.`;

/** How long `ctl` waits for a reply by default, in seconds. */
const DEFAULT_TIMEOUT_S = 30;
/** setTimeout's limit (2^31-1 ms), in whole seconds. */
const MAX_TIMEOUT_S = 2_147_483;

/** How a reply is printed and awaited. */
interface CallOptions {
  json: boolean;
  /** How long to wait for the reply, in ms (Infinity: forever); a follow stream waits forever. */
  waitMs: number;
}

/** Sends one request and handles the reply lines; resolves with the exit code. */
function call(socketPath: string, request: Request, io: CliIo, { json, waitMs }: CallOptions): Promise<number> {
  return new Promise((resolve) => {
    let connected = false, settled = false;
    const following = "follow" in request && request.follow;
    const timer = following || waitMs === Infinity ? undefined : setTimeout(
      () =>
        finish(1, `no reply from ${socketPath} within ${waitMs / 1000} s: is supervise stopped or hung? (--timeout)`),
      waitMs,
    );
    const finish = (code: number, message?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (message !== undefined) io.stderr.write(`supervise ctl: ${message}\n`);
      resolve(code);
      socket.destroy();
    };
    const socket = connect(socketPath);
    socket.once(
      "error",
      (error) =>
        finish(
          1,
          connected ? `${socketPath}: ${error.message}` : `no supervise listening on ${socketPath} (${error.message})`,
        ),
    );
    socket.once("connect", () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
      createInterface({ input: socket }).on("line", onLine).on("error", () => {});
    });
    const onLine = (text: string) => {
      const reply = JSON.parse(text) as Reply;
      if ("line" in reply) io.stdout.write(json ? `${text}\n` : `${reply.line.stream}: ${reply.line.line}\n`);
      else if ("event" in reply) io.stdout.write(`${JSON.stringify(reply.event)}\n`);
      else if (!reply.ok) finish(reply.reason === "invalid_config" ? 2 : 1, reply.message);
      else {
        finish(print(request, reply.result, io, json));
      }
    };
    // A follow stream ends when supervise exits; any other request must get its reply first.
    socket.once(
      "close",
      () => following ? finish(0) : finish(1, `${socketPath} closed before it replied`),
    );
  });
}

/** Prints a command's result; returns the exit code (1 when a reload step failed). */
function print(request: Request, result: unknown, io: CliIo, json: boolean): number {
  const failed = request.cmd === "reload" && (result as { errors: string[] }).errors.length > 0 ? 1 : 0;
  if (json) return (io.stdout.write(`${JSON.stringify(result)}\n`), failed);
  if (request.cmd === "status") {
    const { rows } = result as { rows: StatusRow[] };
    io.stdout.write(`${renderTable(rows.map((r) => ({ ...r, id: r.path, depth: 0 })))}\n`);
  } else if (request.cmd === "reload") {
    const { changes, errors } = result as { changes: string[]; errors: string[] };
    io.stdout.write(changes.length === 0 ? "nothing changed\n" : changes.map((c) => `${c}\n`).join(""));
    for (const error of errors) io.stderr.write(`supervise ctl: ${error}\n`);
  } else if (typeof result === "string") io.stdout.write(`${result}\n`);
  return failed;
}

/**
 * The control socket a `supervise` of root `id` listens on by default:
 * `$XDG_RUNTIME_DIR/supervise-<id>.sock` (a directory of the user's own), else
 * `.supervise-<id>.sock` beside the config.
 */
export function defaultSocket(env: Record<string, string | undefined>, configDir: string, id: string): string {
  return env.XDG_RUNTIME_DIR
    ? join(env.XDG_RUNTIME_DIR, `supervise-${id}.sock`)
    : join(configDir, `.supervise-${id}.sock`);
}

/** The socket `ctl` talks to without `--socket`: the one default socket in `$XDG_RUNTIME_DIR`, else in the current directory. */
function findSocket(env: Record<string, string | undefined>): string | { error: string } {
  const dir = env.XDG_RUNTIME_DIR ?? ".";
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => /^\.?supervise-.+\.sock$/.test(n));
  } catch { /* no such directory */ }
  if (names.length === 1) return join(dir, names[0]);
  if (names.length === 0) return { error: `no supervise socket in ${dir}: give --socket` };
  return { error: `several supervise sockets in ${dir} (${names.join(", ")}): give --socket` };
}

/** `supervise ctl ...`: resolves with the exit code. */
export function ctl(args: string[], io: CliIo, env: Record<string, string | undefined>): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        socket: { type: "string" },
        json: { type: "boolean" },
        follow: { type: "boolean", short: "f" },
        lines: { type: "string", short: "n" },
        timeout: { type: "string" },
      },
    });
  } catch (error) {
    io.stderr.write(`supervise ctl: ${(error as Error).message}\n\n${CTL_USAGE}\n`);
    return Promise.resolve(2);
  }
  const { values, positionals: [cmd, ...rest] } = parsed;
  const bad = (why: string) => (io.stderr.write(`supervise ctl: ${why}\n\n${CTL_USAGE}\n`), Promise.resolve(2));
  const found = values.socket ?? findSocket(env);
  if (typeof found !== "string") {
    io.stderr.write(`supervise ctl: ${found.error}\n`);
    return Promise.resolve(1);
  }
  const socket = found;
  const follow = values.follow ?? false;
  const lines = values.lines === undefined ? 100 : Number(values.lines);
  if (!(Number.isInteger(lines) && lines >= 0)) return bad(`-n must be a whole number of lines, got "${values.lines}"`);
  const timeoutS = values.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(values.timeout);
  if (values.timeout?.trim() === "" || !(timeoutS >= 0 && timeoutS <= MAX_TIMEOUT_S)) {
    return bad(
      `--timeout must be a number of seconds from 0 (wait forever) to ${MAX_TIMEOUT_S}, got "${values.timeout}"`,
    );
  }
  const out: CallOptions = { json: values.json ?? false, waitMs: timeoutS === 0 ? Infinity : timeoutS * 1000 };
  const one = (c: "start" | "stop" | "restart") =>
    rest.length === 1 ? call(socket, { cmd: c, path: rest[0] }, io, out) : bad(`${c} takes one path`);
  switch (cmd) {
    case "status":
    case "reload":
    case "shutdown":
      return rest.length === 0 ? call(socket, { cmd }, io, out) : bad(`${cmd} takes no argument`);
    case "start":
    case "stop":
    case "restart":
      return one(cmd);
    case "signal":
      if (rest.length !== 2 || !/^SIG[A-Z0-9]+$/.test(rest[1])) {
        return bad('signal takes a path and a signal name like "SIGHUP"');
      }
      return call(socket, { cmd, path: rest[0], signal: rest[1] as `SIG${string}` }, io, out);
    case "logs":
      return rest.length === 1
        ? call(socket, { cmd, path: rest[0], lines, follow }, io, out)
        : bad("logs takes one path");
    case "events":
      return rest.length === 0
        ? call(socket, { cmd, follow }, io, { ...out, json: true })
        : bad("events takes no argument");
    default:
      return bad(cmd === undefined ? "a command is needed" : `unknown command "${cmd}"`);
  }
}
