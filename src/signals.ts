import type { ActorRef } from "./actor.ts";
import type { ExitReason } from "./exit_reason.ts";

/**
 * An exit signal delivered as a message to an actor that traps exits
 * (OTP's `{'EXIT', Pid, Reason}`).
 *
 * @example
 * ```ts
 * import { type Behavior, ExitSignal } from "@airssys/rt";
 * const watcher: Behavior<null, unknown> = {
 *   init: (ctx) => ((ctx.trapExits = true), null),
 *   receive: (s, msg) => (msg instanceof ExitSignal && console.log(msg.reason), s),
 * };
 * ```
 */
export class ExitSignal {
  /** Always `"exit"`. */
  readonly type = "exit";
  /** The actor that exited. */
  readonly from: ActorRef<unknown>;
  /** Its exit reason. */
  readonly reason: ExitReason;
  /**
   * Made by the runtime for an actor that traps exits.
   * @param from the actor that exited
   * @param reason its exit reason
   */
  constructor(from: ActorRef<unknown>, reason: ExitReason) {
    this.from = from;
    this.reason = reason;
  }
}

/**
 * The one-shot message a monitor delivers when the monitored actor exits
 * (OTP's `{'DOWN', MonitorRef, process, Pid, Reason}`); `"noproc"` if it was
 * already dead when monitored.
 *
 * @example
 * ```ts
 * import { DownSignal } from "@airssys/rt";
 * const onMessage = (msg: unknown) => msg instanceof DownSignal && console.log(msg.reason);
 * ```
 */
export class DownSignal {
  /** Always `"down"`. */
  readonly type = "down";
  /** The key `ctx.monitor` returned. */
  readonly monitor: symbol;
  /** The actor that exited. */
  readonly ref: ActorRef<unknown>;
  /** Its exit reason (`"noproc"` if it was already dead when monitored). */
  readonly reason: ExitReason;
  /**
   * Made by the runtime when a monitored actor exits.
   * @param monitor the key `ctx.monitor` returned
   * @param ref the actor that exited
   * @param reason its exit reason
   */
  constructor(
    monitor: symbol,
    ref: ActorRef<unknown>,
    reason: ExitReason,
  ) {
    this.monitor = monitor;
    this.ref = ref;
    this.reason = reason;
  }
}
