import type { ActorRef, ChildFacts } from "./actor.ts";
import type { ExitReason } from "./exit_reason.ts";
import type { DownSignal, ExitSignal } from "./signals.ts";

/**
 * The key under which an actor implementation exposes its `Control`. Module-private to
 * the runtime (reached through `src/internal.ts`, never exported publicly), so users
 * see only `ActorRef`, while supervisors, the broker and the OS layer reach the
 * actor behind any ref, local or (later) remote, without knowing its class.
 */
export const CONTROL: unique symbol = Symbol("airssys.control");

/** What runtime parts ask of the actor behind a ref. */
export interface Control {
  /** The ref handed out for this actor (a richer one for Startables). */
  readonly ref: ActorRef<unknown>;
  readonly alive: boolean;
  /** The exit reason, once dead. */
  readonly exitReason: ExitReason | undefined;
  /** `"supervisor"` when started from a supervisor Startable. */
  readonly type: "worker" | "supervisor";
  /** Facts for `whichChildren()` rows, from the Startable's hook. */
  facts(): ChildFacts | undefined;
  /** Resolves once `init` returned (`"ignored"`: it returned IGNORE); rejects with its failure. */
  whenStarted(): Promise<"started" | "ignored">;
  /** Calls `fn` once with the exit reason (at once if already dead). */
  onExit(fn: (reason: ExitReason) => void): void;
  /** Orderly stop with `reason`, then a kill if still alive after `ms`. */
  stopWithin(ms: number, reason: ExitReason): Promise<void>;
  /** Trap exits (`process_flag(trap_exit)`). */
  trapExits: boolean;
  // The link and monitor protocol between two actors.
  /** `peer` linked itself to this actor. */
  addLink(peer: Control): void;
  /** `peer` removed its link. */
  removeLink(peer: Control): void;
  /** A linked actor exited. */
  exitSignal(from: Control, reason: ExitReason): void;
  /** `watcher` monitors this actor under `monitor`; a DownSignal goes to it on exit. */
  addMonitor(monitor: symbol, watcher: Control): void;
  /** Removes a monitor. */
  removeMonitor(monitor: symbol): void;
  /** Queues an exit or down message; these are never dead letters. */
  deliverSignal(signal: ExitSignal | DownSignal): void;
}

/**
 * The `Control` behind `ref`, following forwarding refs (`ForwardingRef.target`).
 * @throws {TypeError} when `ref` is no actor ref of this runtime
 */
export function controlOf(ref: ActorRef<unknown>): Control {
  let current: unknown = ref;
  while (current !== null && typeof current === "object") {
    const control = (current as { [CONTROL]?: Control })[CONTROL];
    if (control !== undefined) return control;
    current = (current as { target?: unknown }).target;
  }
  throw new TypeError(`Not an actor ref of this runtime: ${String(ref)}`);
}
