/**
 * airssys-rt: an actor runtime for Deno, Bun and Node with Erlang/OTP supervision.
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
export { IGNORE } from "./src/actor.ts";
export type {
  ActorContext,
  ActorRef,
  AskOptions,
  Behavior,
  ChildFacts,
  Instance,
  SpawnOptions,
  Startable,
} from "./src/actor.ts";
export { nextBackoff } from "./src/backoff.ts";
export type { Backoff } from "./src/backoff.ts";
export { Broker } from "./src/broker.ts";
export type { ChildSpec, ChildStart, ChildType, ResolvedChildSpec, Restart, Shutdown } from "./src/child_spec.ts";
export { ManualClock, realClock } from "./src/clock.ts";
export type { Clock, TimerHandle } from "./src/clock.ts";
export {
  ActorStoppedError,
  AskTimeoutError,
  ChildStartError,
  HealthCheckError,
  MailboxFullError,
  SupervisorError,
} from "./src/errors.ts";
export type { SupervisorErrorReason } from "./src/errors.ts";
export { EventStream } from "./src/events.ts";
export type { DeadLetterReason, Listener, SystemEvent } from "./src/events.ts";
export { formatExitReason, isNormalExit } from "./src/exit_reason.ts";
export type { ExitReason } from "./src/exit_reason.ts";
export { ForwardingRef } from "./src/forwarding_ref.ts";
export { askCheck } from "./src/liveness.ts";
export type { HealthCheck, Liveness } from "./src/liveness.ts";
export { Mailbox } from "./src/mailbox.ts";
export type { MailboxOptions } from "./src/mailbox.ts";
export type { SchedulerOptions } from "./src/scheduler.ts";
export { DownSignal, ExitSignal } from "./src/signals.ts";
export { supervisor } from "./src/supervisor.ts";
export { SupervisorRef } from "./src/supervisor_ref.ts";
export type { ChildCounts, ChildInfo, SupervisorMessage } from "./src/supervisor_ref.ts";
export type { AutoShutdown, Strategy, SupervisorFlags, SupervisorSpec } from "./src/supervisor_spec.ts";
export { ActorSystem } from "./src/system.ts";
export type { ActorSystemOptions, SystemStats } from "./src/system.ts";
/** @deprecated since 0.2: import `ProcessSample` from `@airssys/rt/osl`, where it belongs. */
export type { ProcessSample } from "./osl/sampler.ts";
