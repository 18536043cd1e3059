import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { freePort, isAlive, until } from "./_helpers.ts";

// Real components of the cluster tests: a nats-server with JetStream on a free port, and
// node processes (tests/fixtures/cluster_node.ts) on Deno, Bun and Node 24.

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./fixtures/cluster_node.ts", import.meta.url));

/** The runtimes a test node can run on, as argv prefixes. */
export const RUNTIMES = {
  deno: [join(ROOT, "node_modules/.bin/deno"), "run", "-A"],
  bun: [join(ROOT, "node_modules/.bin/bun")],
  node: [join(ROOT, "node_modules/node24/bin/node")],
} as const;

export interface Nats {
  url: string;
  /** Stops the server (SIGTERM), waiting for its exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  /** Stops it and removes its store. */
  dispose(): Promise<void>;
}

/** A nats-server with JetStream (`-js`) on a free port, its store in a temp directory. */
export async function startNats(): Promise<Nats> {
  const port = await freePort();
  const store = mkdtempSync(join(tmpdir(), "airssys-nats-"));
  let server: ChildProcess | undefined;
  const nats: Nats = {
    url: `nats://127.0.0.1:${port}`,
    async start() {
      server = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", store], { stdio: "ignore" });
      await until(async () => await accepts(port), `nats-server listens on ${port}`, 20_000);
    },
    async stop() {
      if (server === undefined || server.exitCode !== null) return;
      const exited = once(server, "exit");
      server.kill("SIGTERM");
      await exited;
    },
    async dispose() {
      await nats.stop();
      rmSync(store, { recursive: true, force: true });
    },
  };
  await nats.start();
  return nats;
}

async function accepts(port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

export interface NodeProcess {
  name: string;
  pid: number;
  /** What it printed: its `ready`, `node_up` and `node_down` events. */
  events: Record<string, unknown>[];
  /** Resolves with its incarnation once it has joined and registered its actors. */
  ready: Promise<number>;
  exited: Promise<unknown>;
  signal(signal: NodeJS.Signals): void;
  stderr(): string;
}

/** Starts a node of `cluster` on `runtime` (tests/fixtures/cluster_node.ts). */
export function startNode(
  runtime: keyof typeof RUNTIMES,
  nats: Nats,
  cluster: string,
  name: string,
  beatMs: number,
): NodeProcess {
  const [cmd, ...args] = RUNTIMES[runtime];
  const child = spawn(cmd, [...args, FIXTURE, nats.url, cluster, name, String(beatMs)], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd: ROOT,
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const events: Record<string, unknown>[] = [];
  const { promise: ready, resolve, reject } = Promise.withResolvers<number>();
  createInterface({ input: child.stdout! }).on("line", (line) => {
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      event = { type: "text", line }; // something else printed it (nats.js does, on a broken connection)
    }
    events.push(event);
    if (event.type === "ready") resolve(event.incarnation);
  });
  const exited = once(child, "exit");
  exited.then(([code]) => reject(new Error(`node ${name} (${runtime}) exited (${code}): ${stderr}`)));
  return {
    name,
    pid: child.pid!,
    events,
    ready,
    exited,
    signal(signal) {
      try {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, signal);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error; // exited, not reaped yet
      }
    },
    stderr: () => stderr,
  };
}

/** SIGKILLs what is left of `nodes` and waits until they are gone. */
export async function killNodes(nodes: NodeProcess[]): Promise<void> {
  for (const node of nodes) node.signal("SIGCONT"), node.signal("SIGKILL");
  await until(() => nodes.every((n) => !isAlive(n.pid)), "the nodes are gone");
}
