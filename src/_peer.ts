import type { ActorRef, ChildFacts } from "./actor.ts";
import type { Control } from "./_control.ts";
import type { ExitReason } from "./exit_reason.ts";
import { Relations } from "./_relations.ts";
import { DownSignal, type ExitSignal } from "./signals.ts";
import type { Timers } from "./_timers.ts";

/**
 * The link and monitor half of an actor's `Control` protocol (`link/1`, `monitor/2`),
 * and the timers it owns, kept in `Relations` (allocated on first use). `ActorCell`
 * extends it with the mailbox and the behaviour.
 */
export abstract class Peer implements Pick<Control, "addLink" | "removeLink" | "addMonitor" | "removeMonitor"> {
  relations: Relations | undefined;

  abstract readonly ref: ActorRef<unknown>;
  abstract readonly alive: boolean;
  abstract exitSignal(from: Control, reason: ExitReason): void;
  abstract deliverSignal(signal: ExitSignal | DownSignal): void;

  /** The relations, allocated on first use. */
  get rel(): Relations {
    return this.relations ??= new Relations();
  }

  facts(): ChildFacts | undefined {
    return this.relations?.facts?.();
  }

  link(other: Control): void {
    this.rel.link(this as unknown as Control, other);
  }
  unlink(other: Control): void {
    this.relations?.unlink(this as unknown as Control, other);
  }
  addLink(peer: Control): void {
    (this.rel.links ??= new Set()).add(peer);
  }
  removeLink(peer: Control): void {
    this.relations?.links?.delete(peer);
  }
  monitor(target: Control): symbol {
    return this.rel.monitor(this as unknown as Control, target);
  }
  demonitor(monitor: symbol): void {
    this.relations?.demonitor(monitor);
  }
  /** Monitoring an actor that is already dead delivers a DownSignal `"noproc"` at once. */
  addMonitor(monitor: symbol, watcher: Control): void {
    if (!this.alive) watcher.deliverSignal(new DownSignal(monitor, this.ref, "noproc"));
    else (this.rel.watchers ??= new Map()).set(monitor, watcher);
  }
  removeMonitor(monitor: symbol): void {
    this.relations?.watchers?.delete(monitor);
  }
  /** Calls `fn` once with the exit reason (at once if already dead). */
  onExitOf(reason: ExitReason | undefined, fn: (reason: ExitReason) => void): void {
    if (reason !== undefined && !this.alive) fn(reason);
    else (this.rel.onExit ??= []).push(fn);
  }
  /** A timer owned by this actor, cancelled when it exits. */
  ownedTimer(timers: Timers, ms: number, repeat: boolean, fire: () => void): () => void {
    return this.rel.timer(timers, ms, repeat, fire);
  }
}
