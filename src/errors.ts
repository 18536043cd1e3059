import { type ExitReason, formatExitReason } from "./exit_reason.ts";

/**
 * Thrown (as a rejection) by `ActorRef.ask` when no reply came within `timeoutMs`.
 * Mirrors the `timeout` exit of OTP's `gen_server:call/3`.
 */
export class AskTimeoutError extends Error {
  /** The error's name, for matching without `instanceof`. */
  override name = "AskTimeoutError";
  /** The message that was asked. */
  readonly undelivered: unknown;
  /** The timeout that elapsed, in ms. */
  readonly timeoutMs: number;
  /** Made by the runtime when an ask times out. */
  constructor(actorId: string, message: unknown, timeoutMs: number) {
    super(`Ask to actor ${actorId} timed out after ${timeoutMs} ms`);
    this.undelivered = message;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Thrown (as a rejection) by `ActorRef.ask` when the actor is not alive, or exits
 * (or crashes on this message) before replying. Carries the message that got no
 * reply and the actor's exit reason when known. Mirrors the `noproc` / exit reason
 * of OTP's `gen_server:call`.
 */
export class ActorStoppedError extends Error {
  /** The error's name, for matching without `instanceof`. */
  override name = "ActorStoppedError";
  /** The message that was not answered. */
  readonly undelivered: unknown;
  /** The actor's exit reason, `"noproc"` if it was already gone. */
  readonly reason: ExitReason;
  /** Made by the runtime when an ask cannot be answered. */
  constructor(actorId: string, message: unknown, reason: ExitReason) {
    const why = reason === "noproc" ? "is not alive" : `exited (${formatExitReason(reason)})`;
    super(`Actor ${actorId} ${why} before replying`, {
      cause: typeof reason === "object" && "error" in reason ? reason.error : undefined,
    });
    this.undelivered = message;
    this.reason = reason;
  }
}

/**
 * Thrown (as a rejection) by `ActorRef.ask` when the actor's bounded mailbox was full
 * and its overflow rule dropped the ask. Carries the dropped message.
 */
export class MailboxFullError extends Error {
  /** The error's name, for matching without `instanceof`. */
  override name = "MailboxFullError";
  /** The message that was dropped. */
  readonly undelivered: unknown;
  /** The mailbox's capacity, in messages. */
  readonly capacity: number;
  /** Made by the runtime when a full mailbox drops an ask. */
  constructor(actorId: string, message: unknown, capacity: number) {
    super(`Mailbox of actor ${actorId} is full (capacity ${capacity}): message dropped`);
    this.undelivered = message;
    this.capacity = capacity;
  }
}

/**
 * A supervisor could not start one of its children. `childId` names the child
 * spec, `cause` is the child's failure (its init error or exit reason).
 * Mirrors OTP's `{shutdown, {failed_to_start_child, Id, Reason}}`.
 */
export class ChildStartError extends Error {
  /** The error's name, for matching without `instanceof`. */
  override name = "ChildStartError";
  /** The `id` of the child spec that failed to start. */
  readonly childId: string;
  /** Made by a supervisor when a child fails to start. */
  constructor(childId: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`Failed to start child '${childId}': ${detail}`, { cause });
    this.childId = childId;
  }
}

/** Why a `SupervisorRef` call was refused, as OTP's `supervisor` returns it. */
export type SupervisorErrorReason =
  | "already_present"
  | "already_started"
  | "not_found"
  | "running"
  | "restarting"
  | "simple_one_for_one"
  | "bad_combination";

/**
 * A `SupervisorRef` call was refused: `reason` is the error atom OTP returns from
 * `start_child/2`, `terminate_child/2`, `restart_child/2` or `delete_child/2`
 * (`simple_one_for_one` for the last two on such a supervisor; `bad_combination` for a
 * significant child offered to a supervisor whose `autoShutdown` is `"never"`).
 */
export class SupervisorError extends Error {
  /** The error's name, for matching without `instanceof`. */
  override name = "SupervisorError";
  /** OTP's error atom for the refusal. */
  readonly reason: SupervisorErrorReason;
  /** The `id` of the child spec concerned. */
  readonly childId: string;
  /** Made by `SupervisorRef` when a supervisor refuses a call. */
  constructor(reason: SupervisorErrorReason, childId: string) {
    super(`Supervisor refused child '${childId}': ${reason}`);
    this.reason = reason;
    this.childId = childId;
  }
}

/**
 * The exit cause of a child stopped by its liveness check (`ChildSpec.liveness`): the
 * child's id, how many checks failed in a row, and the last failure as `cause`.
 */
export class HealthCheckError extends Error {
  /** The error's name, for matching without `instanceof`. */
  override name = "HealthCheckError";
  /** The `id` of the child spec. */
  readonly childId: string;
  /** Consecutive failed checks. */
  readonly failures: number;
  /** Made by a supervisor when a child fails its liveness check. */
  constructor(childId: string, failures: number, cause: unknown) {
    super(`Child '${childId}' failed its liveness check ${failures} times in a row`, { cause });
    this.childId = childId;
    this.failures = failures;
  }
}
