import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { ActorRef } from "../src/actor.ts";
import type { HealthCheck } from "../src/liveness.ts";
import type { LogCapture } from "./logs.ts";

/** What tells that a process is up: exactly one of these fields. */
export type Probe =
  /** A TCP connection to `host:tcpPort` is accepted (`host` @default "127.0.0.1"). */
  | { tcpPort: number; host?: string }
  /** An HTTP GET of `httpUrl` answers 2xx. */
  | { httpUrl: string }
  /** A line of stdout or stderr matches (a string: contains it). Readiness only. */
  | { logLine: string | RegExp }
  /** The child sends this message over IPC (`process.send(...)` in a Node, Deno or Bun child). Readiness only. */
  | { ipcMessage: unknown };

/**
 * `readiness` of an OS process: its start completes (and the supervisor starts the
 * next sibling) only once the probe passes; the start fails after `timeoutMs`
 * (@default 30000). `intervalMs`: pause between TCP / HTTP attempts (@default 50).
 */
export type Readiness = Probe & { timeoutMs?: number; intervalMs?: number };

/** What a readiness wait can observe of the process. */
export interface ProcessView {
  logs: LogCapture;
  /** Registers a listener for IPC messages from the child; returns its removal. */
  onMessage(listener: (message: unknown) => void): () => void;
}

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

async function tryGet(url: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const response = await fetch(url, { signal });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** Passes once, or fails: `true` when a TCP or HTTP probe succeeds now. */
function attempt(probe: Probe, signal?: AbortSignal): Promise<boolean> {
  if ("tcpPort" in probe) return tryConnect(probe.tcpPort, probe.host ?? "127.0.0.1", signal);
  if ("httpUrl" in probe) return tryGet(probe.httpUrl, signal);
  throw new TypeError("Only tcpPort and httpUrl probes can be attempted on demand");
}

function describe(probe: Probe): string {
  if ("tcpPort" in probe) return `${probe.host ?? "127.0.0.1"}:${probe.tcpPort} accepted no connection`;
  if ("httpUrl" in probe) return `GET ${probe.httpUrl} answered no 2xx`;
  if ("logLine" in probe) return `no output line matched ${String(probe.logLine)}`;
  return `no IPC message ${JSON.stringify(probe.ipcMessage)} arrived`;
}

/** Resolves when a listener registered by `subscribe` calls `pass`; rejects when `signal` aborts. */
function waitFor(subscribe: (pass: () => void) => () => void, signal: AbortSignal): Promise<void> {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const unsubscribe = subscribe(resolve);
  const abort = () => reject(signal.reason);
  signal.addEventListener("abort", abort, { once: true });
  return promise.finally(() => {
    unsubscribe();
    signal.removeEventListener("abort", abort);
  });
}

/**
 * Resolves once `readiness` passes for the process seen through `view`. Rejects with
 * a timeout error after `timeoutMs`, or with `signal.reason` when `signal` aborts
 * (the process exited).
 */
export async function waitUntilReady(readiness: Readiness, view: ProcessView, signal: AbortSignal): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 50 } = readiness;
  const timeout = AbortSignal.timeout(timeoutMs);
  const either = AbortSignal.any([signal, timeout]);
  try {
    if ("logLine" in readiness) {
      const { logLine } = readiness;
      const matches = (line: string) => typeof logLine === "string" ? line.includes(logLine) : logLine.test(line);
      if (view.logs.lines().some((l) => matches(l.line))) return;
      await waitFor((pass) => view.logs.listen((l) => matches(l.line) && pass()), either);
    } else if ("ipcMessage" in readiness) {
      const expected = JSON.stringify(readiness.ipcMessage);
      await waitFor((pass) => view.onMessage((m) => JSON.stringify(m) === expected && pass()), either);
    } else {
      while (!(await attempt(readiness, either))) {
        either.throwIfAborted();
        await sleep(intervalMs, undefined, { signal: either });
      }
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.aborted) throw new Error(`Readiness timed out: ${describe(readiness)} within ${timeoutMs} ms`);
    throw error;
  }
}

/**
 * A liveness check (`ChildSpec.liveness.check`) from a TCP or HTTP probe: passes when
 * the port accepts a connection / the URL answers 2xx before `signal` aborts.
 *
 * @example
 * ```ts
 * { id: "web", start: osProcess({ command: "node", args: ["web.mjs"] }),
 *   liveness: { check: probeCheck({ httpUrl: "http://127.0.0.1:8080/health" }), intervalMs: 5000 } }
 * ```
 */
export function probeCheck(probe: { tcpPort: number; host?: string } | { httpUrl: string }): HealthCheck {
  return async (_ref: ActorRef<unknown>, signal: AbortSignal): Promise<void> => {
    if (!(await attempt(probe, signal))) throw new Error(describe(probe));
  };
}
