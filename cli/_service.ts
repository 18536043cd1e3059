import { execFile, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import process from "node:process";
import type { MetricsRegistry } from "../metrics/mod.ts";
import { runtimeInfo } from "../osl/internal.ts";

// supervise as a service: a systemd unit, readiness and watchdog notifications, a
// detached daemon with a pidfile, and the Prometheus endpoint.

/** argv that runs this command again on the runtime running it (for units and daemons). */
export function selfArgv(script: string): string[] {
  return runtimeInfo().name === "deno" ? [process.execPath, "run", "-A", script] : [process.execPath, script];
}

/**
 * A systemd unit for `Type=notify`: `supervise` tells systemd when the root tree is up
 * (READY=1) and pings the watchdog; SIGTERM from systemd goes to `supervise` alone
 * (`KillMode=mixed`), which stops the tree in reverse start order; `systemctl reload` is
 * SIGHUP, a reload of the config.
 */
export function systemdUnit(id: string, execStart: string[], workingDirectory: string): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replaceAll(/["\\]/g, "\\$&")}"`);
  return `[Unit]
Description=supervise ${id} (airssys-rt)
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
NotifyAccess=all
ExecStart=${execStart.map(quote).join(" ")}
ExecReload=/bin/kill -HUP $MAINPID
WorkingDirectory=${quote(workingDirectory)}
KillMode=mixed
TimeoutStopSec=90
WatchdogSec=30
Restart=on-failure

[Install]
WantedBy=multi-user.target
`;
}

/**
 * Tells systemd `state` (`READY=1`, `WATCHDOG=1`, `RELOADING=1`, `STOPPING=1`) through
 * `$NOTIFY_SOCKET`, with `systemd-notify` (Node has no Unix datagram sockets; every host
 * with systemd has it); does nothing outside systemd. Never throws: a failure goes to
 * `onError`, once per kind of state.
 */
export function notify(state: string, onError: (error: Error) => void): void {
  if (!process.env.NOTIFY_SOCKET) return;
  const args = state === "READY=1" ? ["--ready", `--pid=${process.pid}`] : [state];
  execFile("systemd-notify", args, (error) => {
    if (error === null || reported.has(state)) return;
    reported.add(state);
    onError(new Error(`systemd-notify ${args.join(" ")} failed: ${error.message}`));
  });
}
const reported = new Set<string>();

/**
 * Pings systemd's watchdog when it asked for that (`$WATCHDOG_USEC`, for this pid), every
 * half period, but only after `healthy()` resolves true within the period: a wedged
 * tree, not only a blocked event loop, misses its pings and systemd restarts the service.
 * Returns the function that stops the pings.
 */
export function watchdog(healthy: () => Promise<boolean>, onError: (error: Error) => void): () => void {
  const usec = Number(process.env.WATCHDOG_USEC);
  const pid = process.env.WATCHDOG_PID;
  if (!process.env.NOTIFY_SOCKET || !(usec > 0) || (pid !== undefined && Number(pid) !== process.pid)) return () => {};
  const timer = setInterval(() => {
    healthy().then((ok) => ok && notify("WATCHDOG=1", onError), () => {});
  }, Math.max(50, usec / 2000));
  return () => clearInterval(timer);
}

/** The last line `supervise` wrote to its log before it exited, and where the rest is. */
function lastLine(logFile: string): string {
  let text = "";
  try {
    text = readFileSync(logFile, "utf8");
  } catch { /* unreadable: point at it */ }
  const line = text.trimEnd().split("\n").findLast((l) => l.startsWith("supervise: ")) ?? "";
  return `${line.replace(/^supervise: /, "")}${line ? " " : ""}(see ${logFile})`;
}

/**
 * Starts `argv` detached (a session of its own), its output to `logFile`, and waits until
 * its control socket accepts: resolves with its pid, or rejects if it exits first.
 */
export async function daemonize(argv: string[], logFile: string, socket: string): Promise<number> {
  const out = openSync(logFile, "a", 0o600);
  const child = spawn(argv[0], argv.slice(1), {
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, AIRSSYS_DAEMON: "1" },
  });
  closeSync(out); // the child has its own copy
  let gone = false;
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => {
      gone = true;
      reject(new Error(`supervise exited with code ${code} before it was up: ${lastLine(logFile)}`));
    })
  );
  const up = (async () => {
    while (!gone && !(await accepts(socket))) await new Promise((resolve) => setTimeout(resolve, 50));
  })();
  await Promise.race([up, exited]);
  child.unref();
  return child.pid!;
}

function accepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

/**
 * Writes this process's pid to `path` and returns the function that removes it.
 * @throws {TypeError} naming the file when it cannot be written
 */
export function pidfile(path: string): () => void {
  try {
    writeFileSync(path, `${process.pid}\n`, { mode: 0o644 });
  } catch (error) {
    throw new TypeError(`Cannot write the pidfile ${path}: ${(error as Error).message}`);
  }
  return () => rmSync(path, { force: true });
}

/**
 * `HOST:PORT` (IPv6 hosts in brackets) as a host and a port.
 * @throws {TypeError} `--metrics must be HOST:PORT, got "..."`
 */
export function listenAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(":");
  const host = address.slice(0, at), port = Number(address.slice(at + 1));
  if (at <= 0 || !/^\d+$/.test(address.slice(at + 1)) || port > 65535) {
    throw new TypeError(`--metrics must be HOST:PORT, got "${address}"`);
  }
  return { host: host.replace(/^\[|\]$/g, ""), port };
}

/**
 * Serves `registry` as Prometheus text at `http://<address>/metrics`; resolves with the
 * server once it listens.
 * @throws {TypeError} when `address` is not `HOST:PORT`
 */
export async function serveMetrics(address: string, registry: MetricsRegistry): Promise<Server> {
  const { host, port } = listenAddress(address);
  const server = createServer(async (req, res) => {
    if (req.url !== "/metrics") return void res.writeHead(404).end("not found: try /metrics\n");
    try {
      const text = await registry.metrics();
      res.writeHead(200, { "content-type": registry.contentType }).end(text);
    } catch (error) {
      res.writeHead(500).end(`${(error as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
