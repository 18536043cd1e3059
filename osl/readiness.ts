import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** `readiness` of an OS process: the port that must accept a TCP connection. */
export interface TcpReadiness {
  /** TCP port to probe. */
  tcpPort: number;
  /** Host to probe. @default "127.0.0.1" */
  host?: string;
  /** Give up and fail the start after this long, in ms. @default 30000 */
  timeoutMs?: number;
  /** Pause between probes, in ms. @default 50 */
  intervalMs?: number;
}

function tryConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Resolves once `host:port` accepts a connection. Rejects with a timeout error
 * after `timeoutMs`, or with `signal.reason` when `signal` aborts (the process exited).
 */
export async function waitForTcpPort(readiness: TcpReadiness, signal: AbortSignal): Promise<void> {
  const { tcpPort, host = "127.0.0.1", timeoutMs = 30_000, intervalMs = 50 } = readiness;
  const deadline = performance.now() + timeoutMs;
  while (true) {
    signal.throwIfAborted();
    if (await tryConnect(tcpPort, host)) return;
    signal.throwIfAborted();
    if (performance.now() >= deadline) {
      throw new Error(`Readiness timed out: ${host}:${tcpPort} accepted no connection within ${timeoutMs} ms`);
    }
    await sleep(intervalMs, undefined, { signal }).catch(() => {});
  }
}
