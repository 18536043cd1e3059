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
  /**
   * @param from the actor that exited
   * @param reason its exit reason
   */
  constructor(readonly from: ActorRef<unknown>, readonly reason: ExitReason) {}
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
  /**
   * @param monitor the key `ctx.monitor` returned
   * @param ref the actor that exited
   * @param reason its exit reason
   */
  constructor(
    readonly monitor: symbol,
    readonly ref: ActorRef<unknown>,
    readonly reason: ExitReason,
  ) {}
}
