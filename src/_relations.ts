import type { ChildFacts } from "./actor.ts";
import type { Ask } from "./_ask.ts";
import type { Control } from "./_control.ts";
import type { ExitReason } from "./exit_reason.ts";
import { DownSignal } from "./signals.ts";
import type { TimerEntry, Timers } from "./_timers.ts";

/** An AbortController, aborted already when `reason` is known (the actor is stopping or gone). */
function controller(reason: ExitReason | undefined): AbortController {
  const made = new AbortController();
  if (reason !== undefined) made.abort(reason);
  return made;
}

/**
 * What one actor has beyond its mailbox and state, allocated on first use so an idle
 * actor stays small: its links, the monitors on it and by it, its timers, the asks it
 * received and has not answered yet, and whoever waits for its start or its exit.
 */
export class Relations {
  links: Set<Control> | undefined;
  /** Monitors on this actor: key -> watcher. */
  watchers: Map<symbol, Control> | undefined;
  /** Monitors this actor set: key -> target. */
  monitoring: Map<symbol, Control> | undefined;
  timers: Set<TimerEntry> | undefined;
  /** Asks handled without a reply yet (a reply may come later, from a kept context). */
  pendingAsks: Set<Ask> | undefined;
  onExit: ((reason: ExitReason) => void)[] | undefined;
  onStart: ((outcome: "started" | "ignored" | { failed: unknown }) => void)[] | undefined;
  abort: AbortController | undefined;
  /** Aborted when a stop is requested (or at the exit). */
  stopping: AbortController | undefined;
  /** The Startable's `whichChildren()` facts hook. */
  facts: (() => ChildFacts) | undefined;

  /** Aborts when the actor exits (already, if `reason` is known). */
  exitSignal(reason: ExitReason | undefined): AbortSignal {
    return (this.abort ??= controller(reason)).signal;
  }

  /** Aborts when a stop of the actor is requested (already, if `reason` is known). */
  stopSignal(reason: ExitReason | undefined): AbortSignal {
    return (this.stopping ??= controller(reason)).signal;
  }

  /** The actor is exiting: its signals abort, the asks waiting for a late reply fail with `stopped`. */
  ending(reason: ExitReason, stopped: (message: unknown) => Error): void {
    this.abort?.abort(reason);
    this.stopping?.abort(reason);
    if (this.pendingAsks !== undefined) { for (const ask of this.pendingAsks) ask.fail(stopped(ask.message)); }
  }

  /** Resolves once the actor's `init` returned; rejects with its failure. */
  whenStarted(): Promise<"started" | "ignored"> {
    const { promise, resolve, reject } = Promise.withResolvers<"started" | "ignored">();
    (this.onStart ??= []).push((outcome) => typeof outcome === "string" ? resolve(outcome) : reject(outcome.failed));
    return promise;
  }

  /** `init` returned (or the start failed): tells whoever waits, once. */
  started(outcome: "started" | "ignored" | { failed: unknown }): void {
    const waiters = this.onStart;
    this.onStart = undefined;
    if (waiters !== undefined) { for (const fn of waiters) fn(outcome); }
  }

  /** `self` links to `other`; one that is already dead sends `self` an exit signal `"noproc"` (OTP's `link/1`). */
  link(self: Control, other: Control): void {
    if (other === self) return;
    if (!other.alive) return self.exitSignal(other, "noproc");
    (this.links ??= new Set()).add(other);
    other.addLink(self);
  }

  unlink(self: Control, other: Control): void {
    this.links?.delete(other);
    other.removeLink(self);
  }

  /** `self` monitors `target` (OTP's `monitor/2`); returns the monitor's key. */
  monitor(self: Control, target: Control): symbol {
    const monitor = Symbol(`monitor ${target.ref.id}`);
    (this.monitoring ??= new Map()).set(monitor, target);
    target.addMonitor(monitor, self);
    return monitor;
  }

  demonitor(monitor: symbol): void {
    const target = this.monitoring?.get(monitor);
    if (target === undefined) return;
    this.monitoring!.delete(monitor);
    target.removeMonitor(monitor);
  }

  /** A timer owned by the actor (cancelled when it exits); returns the cancel function. */
  timer(timers: Timers, ms: number, repeat: boolean, fire: () => void): () => void {
    const owned = this.timers ??= new Set();
    let entry: TimerEntry;
    let cancelled = false;
    const arm = () => {
      entry = timers.schedule(ms, () => {
        owned.delete(entry);
        fire();
        if (repeat && !cancelled) arm();
      });
      owned.add(entry);
    };
    arm();
    return () => {
      cancelled = true;
      entry.cancel();
      owned.delete(entry);
    };
  }

  /**
   * The actor `self` exited with `reason`: its timers are cancelled, its monitors
   * removed from their targets, every linked actor and watcher is told, in that order
   * (OTP's exit signals, then `DOWN` messages), then whoever waits for the exit.
   */
  exited(self: Control, reason: ExitReason): void {
    if (this.timers !== undefined) { for (const timer of this.timers) timer.cancel(); }
    if (this.monitoring !== undefined) {
      for (const [monitor, target] of this.monitoring) {
        target.removeMonitor(monitor);
      }
    }
    if (this.links !== undefined) {
      for (const linked of this.links) {
        linked.removeLink(self);
        linked.exitSignal(self, reason);
      }
    }
    if (this.watchers !== undefined) {
      for (const [monitor, watcher] of this.watchers) watcher.deliverSignal(new DownSignal(monitor, self.ref, reason));
    }
    if (this.onExit !== undefined) { for (const fn of this.onExit) fn(reason); }
  }
}
