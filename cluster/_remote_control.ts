import { type AskOptions, DownSignal, type ExitReason, type ExitSignal } from "../mod.ts";
import type { Control } from "../src/internal.ts";
import { type Address, type RemoteActor, type RemoteRef, remoteRef } from "./remote_ref.ts";

/** One-way control messages between nodes, ordered with the messages of the same sender. */
export type ControlOp =
  | [op: "link" | "unlink", target: string, from: Address]
  | [op: "exit", target: string, from: Address, reason: ExitReason]
  | [op: "monitor" | "demonitor", target: string, watcher: Address, key: number]
  | [op: "down", key: number, reason: ExitReason];

/** What a remote actor's control asks of its node. */
export interface Wire {
  tell(to: RemoteControl, message: unknown): boolean;
  ask<R>(to: RemoteControl, message: unknown, options: AskOptions | undefined): Promise<R>;
  stop(to: RemoteControl, reason: ExitReason): Promise<void>;
  control(to: RemoteControl, op: ControlOp): void;
  /** The address of a local actor (or of a remote one), exported so that peers reach it. */
  addressOf(control: Control): Address;
  /** An address of this node that is no actor's (the watcher of a node's own monitors). */
  nodeAddress(): Address;
  /** A new monitor key, unique on this node; `down` messages come back with it. */
  monitorKey(control: RemoteControl, monitor: symbol): number;
  forgetKey(key: number): void;
}

/**
 * The `Control` of an actor on another node: the link and monitor protocol of the
 * runtime (`src/_control.ts`), carried over the wire. It remembers the local actors
 * linked to it, the local watchers monitoring it, and the monitors it holds on local
 * actors, so that its node's death turns into `"noconnection"` signals here.
 */
export class RemoteControl implements RemoteActor {
  readonly ref: RemoteRef<unknown>;
  readonly address: Address;
  /** The subject prefix of its node's incarnation. */
  readonly subject: string;
  /** The subject of its node's tells and control ops. */
  readonly messages: string;
  readonly type = "worker" as const;
  #exitReason: ExitReason | undefined;
  #wire: Wire;
  /** Local actors linked with this one, in either direction. */
  readonly links = new Set<Control>();
  /** Local watchers of this actor: monitor -> its key on the wire. */
  readonly watchers = new Map<symbol, { watcher: Control; key: number; at: Address }>();
  /** Monitors this actor holds on local actors, by the key its node gave them. */
  readonly holds = new Map<number, { target: Control; monitor: symbol }>();
  #onExit: ((reason: ExitReason) => void)[] = [];

  constructor(wire: Wire, address: Address, subject: string) {
    this.#wire = wire;
    this.address = address;
    this.subject = subject;
    this.messages = `${subject}.m`;
    this.ref = remoteRef(this);
  }

  send(message: unknown): boolean {
    return this.#wire.tell(this, message);
  }
  ask<R>(message: unknown, options: AskOptions | undefined): Promise<R> {
    return this.#wire.ask<R>(this, message, options);
  }
  stop(reason: ExitReason): Promise<void> {
    return this.#wire.stop(this, reason);
  }

  get alive(): boolean {
    return this.#exitReason === undefined;
  }
  /** Why the actor exited, once this node knows (set only by `exited`). */
  get exitReason(): ExitReason | undefined {
    return this.#exitReason;
  }
  get trapExits(): boolean {
    return false;
  }
  set trapExits(_: boolean) {}
  facts(): undefined {
    return undefined;
  }
  whenStarted(): Promise<"started"> {
    return Promise.resolve("started");
  }
  stopWithin(_ms: number, reason: ExitReason): Promise<void> {
    return this.stop(reason);
  }

  /** Calls `fn` once with the actor's exit reason, known by a monitor of its own. */
  onExit(fn: (reason: ExitReason) => void): void {
    if (this.#exitReason !== undefined) return fn(this.#exitReason);
    if (this.#onExit.push(fn) > 1) return;
    // The watcher is this node itself: the DOWN comes back by its key, no actor needed.
    const watcher = { deliverSignal: (signal: ExitSignal | DownSignal) => this.exited(signal.reason) } as Control;
    this.#monitor(Symbol("onExit"), watcher, this.#wire.nodeAddress());
  }

  /** The actor is known to have exited with `reason` (first one wins). */
  exited(reason: ExitReason): void {
    this.#exitReason ??= reason;
    const fns = this.#onExit;
    this.#onExit = [];
    for (const fn of fns) fn(reason);
  }

  addLink(peer: Control): void {
    this.links.add(peer);
    this.#wire.control(this, ["link", this.address[2], this.#wire.addressOf(peer)]);
  }
  removeLink(peer: Control): void {
    if (this.links.delete(peer)) this.#wire.control(this, ["unlink", this.address[2], this.#wire.addressOf(peer)]);
  }
  exitSignal(from: Control, reason: ExitReason): void {
    this.#wire.control(this, ["exit", this.address[2], this.#wire.addressOf(from), reason]);
  }
  addMonitor(monitor: symbol, watcher: Control): void {
    if (this.#exitReason !== undefined) {
      const reason = this.#exitReason === "noconnection" ? "noconnection" : "noproc";
      return watcher.deliverSignal(new DownSignal(monitor, this.ref, reason));
    }
    this.#monitor(monitor, watcher, this.#wire.addressOf(watcher));
  }
  #monitor(monitor: symbol, watcher: Control, at: Address): void {
    const key = this.#wire.monitorKey(this, monitor);
    this.watchers.set(monitor, { watcher, key, at });
    this.#wire.control(this, ["monitor", this.address[2], at, key]);
  }
  removeMonitor(monitor: symbol): void {
    const entry = this.watchers.get(monitor);
    if (entry === undefined) return;
    this.watchers.delete(monitor);
    this.#wire.forgetKey(entry.key);
    this.#wire.control(this, ["demonitor", this.address[2], entry.at, entry.key]);
  }
  /** A local actor this one monitors exited: the DOWN goes to this actor's node. */
  deliverSignal(signal: ExitSignal | DownSignal): void {
    if (!(signal instanceof DownSignal)) return;
    for (const [key, hold] of this.holds) {
      if (hold.monitor !== signal.monitor) continue;
      this.holds.delete(key);
      this.#wire.control(this, ["down", key, signal.reason]);
      return;
    }
  }

  /** A `down` for monitor `monitor` arrived: its watcher gets the DownSignal; the actor is gone. */
  down(monitor: symbol, reason: ExitReason): void {
    const entry = this.watchers.get(monitor);
    if (reason !== "noconnection") this.exited(reason);
    if (entry === undefined) return;
    this.watchers.delete(monitor);
    entry.watcher.deliverSignal(new DownSignal(monitor, this.ref, reason));
  }

  /** Its node is down (or this incarnation is gone): every link and monitor fires `"noconnection"`. */
  nodeDown(): void {
    this.exited("noconnection");
    const links = [...this.links];
    this.links.clear();
    for (const peer of links) {
      peer.removeLink(this);
      peer.exitSignal(this, "noconnection");
    }
    const watchers = [...this.watchers];
    this.watchers.clear();
    for (const [monitor, { watcher, key }] of watchers) {
      this.#wire.forgetKey(key);
      watcher.deliverSignal(new DownSignal(monitor, this.ref, "noconnection"));
    }
    for (const { target, monitor } of this.holds.values()) target.removeMonitor(monitor);
    this.holds.clear();
  }
}
