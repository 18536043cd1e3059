import { spawn } from "node:child_process";
import { connect } from "node:net";
import process from "node:process";
import { procTable, procTree } from "./_proc.ts";
import { holdsSocket, listeningInodes, socketOwner } from "./_sockets.ts";

// One attempt of a probe that can be tried on demand (TCP, HTTP, exec): passes, fails,
// or (`Refused`) fails for a reason that retrying cannot change.

/** An attempt that failed for good: the start should fail now, with `reason`. */
export class Refused {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

/** A probe tried on demand. */
export type Attemptable =
  | { tcpPort: number; host?: string }
  | { httpUrl: string }
  | { exec: readonly string[]; execTimeoutMs?: number | "infinity" };

const LOCAL = new Set(["127.0.0.1", "localhost", "::1", "0.0.0.0", "::"]);

function tryConnect(port: number, host: string, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      signal?.removeEventListener("abort", abort);
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    const abort = () => done(false);
    signal?.addEventListener("abort", abort, { once: true });
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * For a process `pid`: whether the socket listening on a local `port` is its own (held
 * by it or a descendant). A foreign owner is `Refused`, naming its pid; without /proc
 * (not Linux) the connection alone decides.
 */
function ownsPort(port: number, pid: number): true | Refused {
  const listening = listeningInodes(port);
  if (listening === undefined || listening.size === 0) return true;
  if (procTree([pid], procTable()).some((entry) => holdsSocket(entry.pid, listening))) return true;
  const owner = socketOwner(listening);
  return new Refused(
    `port ${port} is held by another process${owner === undefined ? "" : ` (pid ${owner})`}, not by pid ${pid}`,
  );
}

async function tryGet(url: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(url, { signal });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Runs `argv` (no shell) and passes when it exits 0 (Kubernetes' exec probe). It gets
 * its own process group, killed when `signal` aborts or after `timeoutMs`.
 */
function tryExec(argv: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: "ignore", detached: true });
    const kill = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch { /* gone */ }
    };
    const timer = Number.isFinite(timeoutMs) ? setTimeout(kill, timeoutMs) : undefined;
    signal?.addEventListener("abort", kill, { once: true });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", kill);
      resolve(ok);
    };
    child.once("error", () => done(false));
    child.once("exit", (code) => done(code === 0));
  });
}

/** One attempt of `probe` for the process `pid` (if known): true, false, or `Refused`. */
export async function attempt(
  probe: Attemptable,
  pid: number | undefined,
  signal?: AbortSignal,
): Promise<boolean | Refused> {
  if ("tcpPort" in probe) {
    const host = probe.host ?? "127.0.0.1";
    if (!(await tryConnect(probe.tcpPort, host, signal))) return false;
    return pid === undefined || !LOCAL.has(host) || ownsPort(probe.tcpPort, pid);
  }
  if ("httpUrl" in probe) return tryGet(probe.httpUrl, signal);
  const limit = probe.execTimeoutMs ?? 1000;
  return tryExec(probe.exec, limit === "infinity" ? Infinity : limit, signal);
}

/** What an attempt found wrong, for messages. */
export function describe(probe: Attemptable | { logLine: string | RegExp } | { ipcMessage: unknown }): string {
  if ("tcpPort" in probe) return `${probe.host ?? "127.0.0.1"}:${probe.tcpPort} accepted no connection`;
  if ("httpUrl" in probe) return `GET ${probe.httpUrl} answered no 2xx`;
  if ("exec" in probe) return `${probe.exec.join(" ")} did not exit 0`;
  if ("logLine" in probe) return `no output line matched ${String(probe.logLine)}`;
  return `no IPC message ${JSON.stringify(probe.ipcMessage)} arrived`;
}
