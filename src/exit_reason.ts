/**
 * Why an actor exited, as carried by exit signals, `down` messages and events.
 *
 * Mirrors Erlang's exit reasons: `"normal"`, `"shutdown"` and `{ shutdown: term }`
 * are normal exits (a `transient` child is not restarted after them); everything
 * else is abnormal. `"killed"` is the reason of an actor stopped by an untrappable
 * kill (OTP's `exit(Pid, kill)`, a supervisor's `brutal_kill`). `"noproc"`: the actor
 * was not alive when linked or monitored; `"noconnection"`: its node became unreachable
 * (Erlang's). An OS process exit is `{ exitCode, signal }`; the process actor maps its
 * success codes to `"normal"`.
 *
 * @example
 * ```ts
 * isNormalExit("shutdown");                        // true
 * isNormalExit({ error: new Error("boom") });      // false
 * isNormalExit({ exitCode: 1, signal: null });     // false
 * ```
 */
export type ExitReason =
  | "normal"
  | "shutdown"
  | "killed"
  | "noproc"
  | "noconnection"
  | { shutdown: unknown }
  | { error: unknown }
  | { exitCode: number | null; signal: string | null };

/** True for `"normal"`, `"shutdown"` and `{ shutdown }` (OTP's normal exits). */
export function isNormalExit(reason: ExitReason): boolean {
  return reason === "normal" || reason === "shutdown" ||
    (typeof reason === "object" && "shutdown" in reason);
}

/**
 * A one-line human description of a reason, e.g. `error: boom` or
 * `exit code 1` or `signal SIGKILL`.
 */
export function formatExitReason(reason: ExitReason): string {
  if (typeof reason === "string") return reason;
  if ("error" in reason) {
    const error = reason.error;
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
  if ("shutdown" in reason) return `shutdown: ${String(reason.shutdown)}`;
  return reason.signal !== null ? `signal ${reason.signal}` : `exit code ${reason.exitCode}`;
}
