import type { ActorRef, AskOptions } from "./actor.ts";
import type { ExitReason } from "./exit_reason.ts";

/**
 * A ref that forwards to another one; the base of richer refs (`SupervisorRef`,
 * `OsProcessRef`) returned by `Startable.instantiate`.
 *
 * @example
 * ```ts
 * import { type ActorRef, ForwardingRef } from "@airssys/rt";
 * class CounterRef extends ForwardingRef<"inc" | "get"> {
 *   value(): Promise<number> { return this.ask("get"); }
 * }
 * ```
 */
export class ForwardingRef<M> implements ActorRef<M> {
  /** The ref every call goes to. */
  readonly target: ActorRef<M>;
  /** Forwards to `target`. @param target the ref every call goes to */
  constructor(target: ActorRef<M>) {
    this.target = target;
  }
  /** The target's id. */
  get id(): string {
    return this.target.id;
  }
  /** The target's registered name. */
  get name(): string | undefined {
    return this.target.name;
  }
  /** Whether the target is alive. */
  get alive(): boolean {
    return this.target.alive;
  }
  /** The target's queued messages. */
  get mailboxSize(): number {
    return this.target.mailboxSize;
  }
  /** Sends to the target. */
  send(message: M): boolean {
    return this.target.send(message);
  }
  /** Asks the target. */
  ask<R>(message: M, options?: AskOptions): Promise<R> {
    return this.target.ask<R>(message, options);
  }
  /** Stops the target. */
  stop(reason?: ExitReason): Promise<void> {
    return this.target.stop(reason);
  }
}
