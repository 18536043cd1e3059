/**
 * airssys-rt: an actor runtime for Deno and Bun with Erlang/OTP supervision.
 *
 * In-memory actors and real OS processes (see `@airssys/rt/osl`) sit in one
 * supervisor tree and are restarted by the same strategies, restart policies,
 * intensity limits and shutdown rules.
 *
 * @example
 * ```ts
 * import { ActorSystem, supervisor } from "@airssys/rt";
 * await using system = new ActorSystem();
 * const sup = system.spawn(supervisor({
 *   strategy: "one_for_one",
 *   children: [{ id: "counter", start: { init: () => 0, receive: (n: number) => n + 1 } }],
 * }));
 * console.log(await sup.whichChildren());
 * ```
 *
 * @module
 */
export type {
  ActorContext,
  ActorRef,
  AskOptions,
  Behavior,
  Instance,
  MailboxOptions,
  SpawnOptions,
  Startable,
} from "./src/actor.ts";
export { DownSignal, ExitSignal, ForwardingRef, IGNORE } from "./src/actor.ts";
export { Broker } from "./src/broker.ts";
export { ManualClock, realClock } from "./src/clock.ts";
export type { Clock, TimerHandle } from "./src/clock.ts";
export { ActorStoppedError, AskTimeoutError, ChildStartError, MailboxFullError, SupervisorError } from "./src/errors.ts";
export type { SupervisorErrorReason } from "./src/errors.ts";
export { EventStream } from "./src/events.ts";
export type { DeadLetterReason, Listener, ProcessSample, SystemEvent } from "./src/events.ts";
export { formatExitReason, isNormalExit } from "./src/exit_reason.ts";
export type { ExitReason } from "./src/exit_reason.ts";
export { askCheck, HealthCheckError } from "./src/liveness.ts";
export type { HealthCheck, Liveness } from "./src/liveness.ts";
export { Mailbox } from "./src/mailbox.ts";
export type { SchedulerOptions } from "./src/scheduler.ts";
export { supervisor, SupervisorRef } from "./src/supervisor.ts";
export type {
  Backoff,
  ChildCounts,
  ChildInfo,
  ChildSpec,
  ChildStart,
  ResolvedChildSpec,
  SupervisorMessage,
  SupervisorSpec,
} from "./src/supervisor.ts";
export { ActorSystem } from "./src/system.ts";
export type { ActorSystemOptions } from "./src/system.ts";
