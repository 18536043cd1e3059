import { chmodSync, existsSync, rmSync } from "node:fs";
import process from "node:process";
import { connect, createServer, type Server, type Socket } from "node:net";
import { createInterface } from "node:readline";
import * as v from "valibot";
import type { Signal } from "../osl/mod.ts";
import { eventJson, type PathedEvent } from "./_output.ts";
import type { ReloadReport } from "./_reload.ts";
import { CommandError, type Tree } from "./_tree.ts";

const path = v.string();
const RequestSchema = v.variant("cmd", [
  v.object({ cmd: v.picklist(["status", "reload", "shutdown"]) }),
  v.object({ cmd: v.picklist(["start", "stop", "restart"]), path }),
  v.object({
    cmd: v.literal("signal"),
    path,
    signal: v.custom<Signal>((s) => typeof s === "string" && /^SIG[A-Z0-9]+$/.test(s)),
  }),
  v.object({
    cmd: v.literal("logs"),
    path,
    lines: v.pipe(v.number(), v.integer(), v.minValue(0)),
    follow: v.boolean(),
  }),
  v.object({ cmd: v.literal("events"), follow: v.boolean() }),
]);

/** One request of `supervise ctl`, a JSON line on the control socket. */
export type Request = v.InferOutput<typeof RequestSchema>;

/**
 * A reply line: `{ ok: true, result }` ends a command; `{ line }` / `{ event }` lines
 * stream logs and events; `{ ok: false, reason, message }` is a refusal, `reason` being
 * the state that refuses it (`not_found`, `running`, `invalid_config`, ...).
 */
export type Reply =
  | { ok: true; result: unknown }
  | { ok: false; reason: string; message: string }
  | { line: { stream: string; line: string; time: number } }
  | { event: unknown };

/** What the control socket acts on. */
export interface ControlTarget {
  tree: Tree;
  /** The latest events, oldest first. */
  recent(): PathedEvent[];
  /** Calls `listener` with every later event; returns the unsubscribe function. */
  follow(listener: (event: PathedEvent) => void): () => void;
  /** Re-reads the config and applies it (rejects with a TypeError/RangeError for a bad one). */
  reload(): Promise<ReloadReport>;
  /** Stops the tree, as SIGTERM does. */
  shutdown(): void;
}

/** True when something accepts connections at `path`. */
function listening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/**
 * Listens on the Unix socket `path`, mode 0600 (only this user can connect; with
 * `$XDG_RUNTIME_DIR` the directory is the user's own too). A stale socket file (nobody
 * listening) is replaced; a live one means another `supervise` runs there: refused.
 * @throws {Error} when another `supervise` listens at `path`
 */
export async function serveControl(path: string, target: ControlTarget): Promise<{ close(): Promise<void> }> {
  if (existsSync(path)) {
    if (await listening(path)) throw new Error(`another supervise listens on ${path}`);
    rmSync(path, { force: true });
  }
  const server: Server = createServer((socket) => void session(socket, target));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // The socket file is created inside listen(), synchronously on Node, Deno and Bun: with
    // this umask it is 0600 from its first moment, never briefly open to others.
    const umask = process.umask(0o177);
    try {
      server.listen(path, () => resolve());
    } finally {
      process.umask(umask);
    }
  });
  chmodSync(path, 0o600); // whatever the runtime did
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(path, { force: true });
      }),
  };
}

/** Parses one request line; throws a `bad_request` CommandError for anything else. */
function parseRequest(text: string): Request {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CommandError("bad_request", "not a JSON request");
  }
  const parsed = v.safeParse(RequestSchema, json);
  if (!parsed.success) throw new CommandError("bad_request", `not a request: ${v.summarize(parsed.issues)}`);
  return parsed.output;
}

/** One client: one request and its reply (or stream). A client that goes mid-way harms nothing. */
async function session(socket: Socket, target: ControlTarget): Promise<void> {
  socket.on("error", () => {});
  const send = (reply: Reply): void => void (socket.writable && socket.write(`${JSON.stringify(reply)}\n`));
  try {
    // readline re-emits the socket's errors (EPIPE when the client went away before its
    // reply): without a listener of its own, once the loop below has ended, that is fatal.
    const lines = createInterface({ input: socket }).on("error", () => {});
    for await (const text of lines) {
      try {
        const result = await handle(parseRequest(text), target, send, socket);
        if (result !== STREAMING) send({ ok: true, result });
      } catch (error) {
        const reason = error instanceof CommandError ? error.reason : "failed";
        send({ ok: false, reason, message: (error as Error).message });
      }
      break;
    }
  } catch { /* the client went away */ }
  socket.end();
}

/** The result of a command that streams until the client goes. */
const STREAMING = Symbol("streaming");

async function handle(
  request: Request,
  target: ControlTarget,
  send: (reply: Reply) => void,
  socket: Socket,
): Promise<unknown> {
  const { tree } = target;
  switch (request.cmd) {
    case "status":
      return { root: tree.rootId, rows: await tree.rows() };
    case "start":
      return `started ${(await tree.find(request.path)).path} (${(await tree.start(request.path)).id})`;
    case "stop":
      await tree.stop(request.path);
      return `stopped ${(await tree.find(request.path)).path}`;
    case "restart":
      return `restarted ${(await tree.find(request.path)).path} (${(await tree.restart(request.path)).id})`;
    case "signal":
      await tree.signal(request.path, request.signal);
      return `sent ${request.signal} to ${(await tree.find(request.path)).path}`;
    case "logs": {
      const { path, lines } = await tree.logs(request.path, request.lines);
      for (const line of lines) send({ line });
      if (!request.follow) return { path, lines: lines.length };
      await streamUntilClosed(socket, target, (event) => {
        if (event.type === "log" && event.path === path) {
          send({ line: { stream: event.stream, line: event.line, time: Date.now() } });
        }
      });
      return STREAMING;
    }
    case "events":
      for (const event of target.recent()) send({ event: JSON.parse(eventJson(event)) });
      if (!request.follow) return { events: target.recent().length };
      await streamUntilClosed(socket, target, (event) => send({ event: JSON.parse(eventJson(event)) }));
      return STREAMING;
    case "reload":
      try {
        return await target.reload();
      } catch (error) {
        if (error instanceof TypeError || error instanceof RangeError) {
          throw new CommandError("invalid_config", error.message);
        }
        throw error;
      }
    case "shutdown":
      setTimeout(() => target.shutdown(), 10);
      return `stopping ${tree.rootId}`;
    default:
      throw new CommandError("bad_request", `unknown command ${JSON.stringify((request as { cmd?: unknown }).cmd)}`);
  }
}

function streamUntilClosed(socket: Socket, target: ControlTarget, on: (event: PathedEvent) => void): Promise<void> {
  return new Promise((resolve) => {
    const off = target.follow(on);
    socket.once("close", () => (off(), resolve()));
  });
}
