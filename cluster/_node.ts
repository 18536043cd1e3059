import {
  type ActorRef,
  ActorStoppedError,
  type ActorSystem,
  type AskOptions,
  AskTimeoutError,
  type ChildSpec,
  type ExitReason,
} from "../mod.ts";
import { type Control, controlOf } from "../src/internal.ts";
import { decode, decodeAll, encode, encodeAtMost, type RefTable } from "./_codec.ts";
import { Outbox } from "./_outbox.ts";
import { Membership, type MembershipHost } from "./_membership.ts";
import { natsTransport } from "./_nats.ts";
import { Registry } from "./_registry.ts";
import { type ControlOp, RemoteControl, type Wire } from "./_remote_control.ts";
import { type Address, isAddress, RemoteRef } from "./remote_ref.ts";
import { Singletons } from "./_singleton.ts";
import { type ClusterOptions, resolveClusterOptions, type ResolvedClusterOptions } from "./options.ts";
import { type Respond, type Transport, TransportError } from "./transport.ts";
import { serveRequest } from "./_serve.ts";
import type { Member, Singleton } from "./types.ts";

/** A tell on a node's message subject; control ops share it, so both keep their order. */
const TELL = 0;

/** A random incarnation, never 0 (Erlang's creation). */
function newIncarnation(): number {
  return (Math.random() * 0xfffffffe + 1) >>> 0;
}

/**
 * This process's node in a cluster, behind the public `ClusterNode`: the wire of remote
 * refs, exports of local actors, the registry, membership and singletons.
 */
export class Node implements Wire, RefTable, MembershipHost {
  /** This node's name in the cluster. */
  readonly name: string;
  readonly #system: ActorSystem;
  readonly #transport: Transport;
  readonly #ownsTransport: boolean;
  readonly #base: string;
  #incarnation = newIncarnation();
  #exports = new Map<string, ActorRef<unknown>>();
  #remotes = new Map<string, Map<string, RemoteControl>>(); // "node:incarnation" -> id -> control
  #downs = new Map<string, AbortController>(); // "node:incarnation" -> aborts when it goes down
  #monitors = new Map<number, { control: RemoteControl; monitor: symbol }>();
  #nextKey = 0;
  #unsubscribe: (() => void)[] = [];
  readonly #membership: Membership;
  readonly #outbox: Outbox;
  #registry!: Registry;
  #singletons!: Singletons;
  #left = false;

  private constructor(system: ActorSystem, transport: Transport, owns: boolean, options: ResolvedClusterOptions) {
    this.#system = system;
    this.#transport = transport;
    this.#ownsTransport = owns;
    this.name = options.node;
    this.#base = `airssys.${options.cluster}`;
    this.#outbox = new Outbox(transport);
    this.#membership = new Membership(transport, this.#base, this, options.heartbeatMs, options.downAfterMissed);
  }

  /** Joins; see `joinCluster`. */
  static async join(system: ActorSystem, options: ClusterOptions): Promise<Node> {
    const resolved = resolveClusterOptions(options);
    const owns = resolved.transport === undefined;
    const transport = resolved.transport ?? await natsTransport(resolved.servers!, `airssys ${resolved.node}`);
    const node = new Node(system, transport, owns, resolved);
    try {
      await node.#membership.claim();
      const bucket = (kind: string) => transport.keyValue(`airssys_${resolved.cluster}_${kind}`);
      const [names, leases] = await Promise.all([bucket("names"), bucket("leases")]);
      node.#registry = new Registry(names, node);
      node.#singletons = new Singletons(leases, node, system);
      node.#listen();
      await Promise.all([node.#registry.start(), node.#singletons.start()]);
      node.#membership.start();
      node.up(node.name, node.#incarnation);
    } catch (error) {
      node.#membership.stop();
      if (owns) await transport.close().catch(() => {});
      throw error;
    }
    return node;
  }

  // What ClusterNode (node.ts) exposes, documented there.

  get incarnation(): number {
    return this.#incarnation;
  }
  members(): Member[] {
    return this.#membership.members();
  }
  register(name: string, ref: ActorRef<unknown>): Promise<boolean> {
    return this.#registry.register(name, ref);
  }
  reregister(name: string, ref: ActorRef<unknown>): Promise<void> {
    return this.#registry.reregister(name, ref);
  }
  whereis(name: string): Promise<ActorRef<unknown> | undefined> {
    return Promise.resolve(this.#registry.whereis(name));
  }
  unregister(name: string): Promise<void> {
    return this.#registry.unregister(name);
  }
  singleton(spec: ChildSpec): Promise<Singleton> {
    return this.#singletons.add(spec);
  }

  /** Leaves in order: peers see `node_down` with reason `"leave"`; names and leases are freed. */
  async leave(): Promise<void> {
    if (this.#left) return;
    this.#left = true;
    await this.#singletons.stop();
    await this.#registry.releaseOwn().catch(() => {});
    this.#registry.stop();
    this.#outbox.flushAll(); // what was sent before the leave goes before it
    this.#membership.leave();
    for (const off of this.#unsubscribe) off();
    for (const key of [...this.#remotes.keys()]) this.#nodeGone(key);
    if (this.#ownsTransport) await this.#transport.close();
  }

  // --- addresses and refs -------------------------------------------------------------

  #subject(node: string, incarnation: number): string {
    return `${this.#base}.node.${node}.${incarnation}`;
  }

  #listen(): void {
    const at = this.#subject(this.name, this.#incarnation);
    this.#unsubscribe = [
      this.#transport.subscribe(`${at}.m`, (data) => this.#receive(data)),
      this.#transport.subscribe(`${at}.r`, (data, respond) => respond && void this.#request(data, respond)),
    ];
  }

  addressOf(control: Control | ActorRef<unknown>): Address {
    if (control instanceof RemoteControl) return control.address;
    if (control instanceof RemoteRef) return (controlOf(control) as RemoteControl).address;
    const local = "send" in control ? controlOf(control) : control;
    const ref = "send" in control ? control : local.ref;
    const id = ref.id;
    if (!this.#exports.has(id)) {
      this.#exports.set(id, ref);
      local.onExit(() => this.#exports.delete(id));
    }
    return [this.name, this.#incarnation, id];
  }

  nodeAddress(): Address {
    return [this.name, this.#incarnation, "<0>"];
  }

  refAt(address: Address): ActorRef<unknown> {
    const [node, incarnation, id] = address;
    if (node === this.name && incarnation === this.#incarnation) {
      const local = this.#exports.get(id);
      if (local !== undefined) return local;
    }
    return this.#control(address).ref;
  }

  /** The one control per remote address; dead at once when its node is known to be down. */
  #control(address: Address): RemoteControl {
    const key = `${address[0]}:${address[1]}`;
    let byId = this.#remotes.get(key);
    let control = byId?.get(address[2]);
    if (control !== undefined) return control;
    control = new RemoteControl(this, address, this.#subject(address[0], address[1]));
    const status = this.#membership.statusOf(address[0], address[1]);
    if (status === "down" || (address[0] === this.name)) {
      control.exited(status === "down" && address[0] !== this.name ? "noconnection" : "noproc");
      return control; // not cached: nothing will ever happen to it
    }
    if (byId === undefined) this.#remotes.set(key, byId = new Map());
    byId.set(address[2], control);
    return control;
  }

  statusOf(node: string, incarnation: number): "up" | "down" | "unknown" {
    return this.#membership.statusOf(node, incarnation);
  }

  encode(value: unknown): Uint8Array {
    return encode(this, value);
  }
  decode(data: Uint8Array): unknown {
    return decode(this, data);
  }

  // --- the wire: what remote refs do --------------------------------------------------

  tell(to: RemoteControl, message: unknown): boolean {
    if (!to.alive) {
      return this.#deadLetter(to.ref.id, message, to.exitReason === "noconnection" ? "noconnection" : "not_alive");
    }
    const bytes = encodeAtMost(this, [TELL, to.address[2], message], this.#transport.maxPayload);
    if (!this.#outbox.post(to.messages, bytes)) {
      return this.#deadLetter(to.ref.id, message, "noconnection");
    }
    return true;
  }

  #deadLetter(actor: string, message: unknown, reason: "not_alive" | "noconnection"): false {
    this.#system.events.publish({ type: "dead_letter", actor, message, reason });
    return false;
  }

  async ask<R>(to: RemoteControl, message: unknown, options: AskOptions | undefined): Promise<R> {
    const wait = options?.timeoutMs ?? 5000;
    const timeoutMs = wait === "infinity" ? Infinity : wait;
    const stopped = (reason: ExitReason) => new ActorStoppedError(to.ref.id, message, reason);
    if (!to.alive) throw stopped(to.exitReason === "noconnection" ? "noconnection" : "noproc");
    options?.signal?.throwIfAborted();
    const data = encodeAtMost(
      this,
      ["ask", to.address[2], message, timeoutMs === Infinity ? -1 : timeoutMs],
      this.#transport.maxPayload,
    );
    // The remote side times out first and says so; this node waits a little longer.
    this.#outbox.flush(to.messages); // the tells before this ask go first
    const reply = this.#transport.request(`${to.subject}.r`, data, timeoutMs + 1000);
    let answer: unknown;
    try {
      answer = decode(this, await this.#race(reply, to, options?.signal));
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      if (error.reason === "timeout") throw new AskTimeoutError(to.ref.id, message, timeoutMs);
      throw stopped("noconnection"); // no node at that address, or the bus is down
    }
    const [ok, kind, detail] = answer as [boolean, string, unknown];
    if (ok) return kind as R;
    if (kind === "timeout") throw new AskTimeoutError(to.ref.id, message, timeoutMs);
    if (kind === "stopped") {
      to.exited(detail as ExitReason);
      throw stopped(detail as ExitReason);
    }
    throw detail;
  }

  /** `reply`, unless the node goes down (`noconnection`) or `signal` aborts first. */
  #race(reply: Promise<Uint8Array>, to: RemoteControl, signal: AbortSignal | undefined): Promise<Uint8Array> {
    const down = this.#downSignal(to.address);
    if (signal === undefined && down === undefined) return reply;
    return new Promise((resolve, reject) => {
      const onDown = () => reject(new TransportError("no_responders", to.subject));
      const onAbort = () => reject(signal!.reason);
      down?.addEventListener("abort", onDown, { once: true });
      signal?.addEventListener("abort", onAbort, { once: true });
      reply.then(resolve, reject).finally(() => {
        down?.removeEventListener("abort", onDown);
        signal?.removeEventListener("abort", onAbort);
      });
    });
  }

  #downSignal(address: Address): AbortSignal | undefined {
    const key = `${address[0]}:${address[1]}`;
    if (!this.#remotes.has(key)) return undefined;
    let controller = this.#downs.get(key);
    if (controller === undefined) this.#downs.set(key, controller = new AbortController());
    return controller.signal;
  }

  async stop(to: RemoteControl, reason: ExitReason): Promise<void> {
    if (!to.alive) return;
    try {
      const data = encode(this, ["stop", to.address[2], reason]);
      this.#outbox.flush(to.messages);
      await this.#race(this.#transport.request(`${to.subject}.r`, data, Infinity), to, undefined);
      to.exited(reason);
    } catch { /* its node is gone: so is the actor (nodeDown says noconnection) */ }
  }

  control(to: RemoteControl, op: ControlOp): void {
    this.#outbox.post(to.messages, encode(this, op));
  }

  monitorKey(control: RemoteControl, monitor: symbol): number {
    const key = ++this.#nextKey;
    this.#monitors.set(key, { control, monitor });
    return key;
  }
  forgetKey(key: number): void {
    this.#monitors.delete(key);
  }

  // --- inbound ------------------------------------------------------------------------

  /** A batch of tells and control ops (`_outbox.ts`), handled in the order they were sent. */
  #receive(data: Uint8Array): void {
    let messages: unknown[][];
    try {
      messages = decodeAll(this, data) as unknown[][];
    } catch {
      return; // not a batch of ours
    }
    for (const message of messages) {
      if (!Array.isArray(message)) continue; // not ours
      if (message[0] !== TELL) {
        this.#controlOp(message as ControlOp);
        continue;
      }
      const [, id, body] = message as [number, string, unknown];
      const target = this.#exports.get(id);
      if (target !== undefined) target.send(body);
      else this.#deadLetter(`${id}@${this.name}`, body, "not_alive");
    }
  }

  #controlOp(op: ControlOp): void {
    if (op[0] === "down") {
      if (typeof op[1] !== "number") return; // not ours
      const entry = this.#monitors.get(op[1]);
      if (entry === undefined) return;
      this.#monitors.delete(op[1]);
      return entry.control.down(entry.monitor, op[2]);
    }
    const [kind, id, from] = op;
    if (typeof id !== "string" || !isAddress(from)) return; // not ours
    const peer = this.#control(from);
    const ref = this.#exports.get(id);
    const target = ref === undefined ? undefined : controlOf(ref);
    const here: Address = [this.name, this.#incarnation, id];
    switch (kind) {
      case "link":
        if (target === undefined || !target.alive) return this.control(peer, ["exit", from[2], here, "noproc"]);
        peer.links.add(target);
        return target.addLink(peer);
      case "unlink":
        peer.links.delete(target!);
        return target?.removeLink(peer);
      case "exit":
        peer.exited(op[3]); // an exit signal only comes from an actor that exited
        if (target === undefined) return;
        peer.links.delete(target);
        target.removeLink(peer);
        return target.exitSignal(peer, op[3]);
      case "monitor": {
        if (target === undefined || !target.alive) return this.control(peer, ["down", op[3], "noproc"]);
        const monitor = Symbol(`monitor by ${peer.ref.id}`);
        peer.holds.set(op[3], { target, monitor });
        return target.addMonitor(monitor, peer);
      }
      case "demonitor": {
        const hold = peer.holds.get(op[3]);
        peer.holds.delete(op[3]);
        return hold?.target.removeMonitor(hold.monitor);
      }
    }
  }

  #request(data: Uint8Array, respond: Respond): Promise<void> {
    return serveRequest(data, respond, this, this.#exports, this.#transport.maxPayload);
  }

  // --- membership ---------------------------------------------------------------------

  up(node: string, incarnation: number): void {
    this.#system.events.publish({ type: "node_up", node, incarnation });
  }

  down(node: string, incarnation: number, reason: string): void {
    this.#nodeGone(`${node}:${incarnation}`);
    void this.#registry.nodeDown(node, incarnation).catch(() => {});
    this.#singletons.nodeDown(node, incarnation);
    this.#system.events.publish({ type: "node_down", node, incarnation, reason });
  }

  /** What nodes that are not up left in the buckets is freed (see `Registry.sweep`). */
  settled(): void {
    void this.#registry.sweep().catch(() => {});
    this.#singletons.sweep();
  }

  /** Every control of that incarnation fires `noconnection`; asks waiting on it fail. */
  #nodeGone(key: string): void {
    const controls = this.#remotes.get(key);
    this.#remotes.delete(key);
    this.#downs.get(key)?.abort();
    this.#downs.delete(key);
    for (const control of controls?.values() ?? []) control.nodeDown();
  }

  rejoin(_reason: string): void {
    for (const off of this.#unsubscribe) off();
    this.#incarnation = newIncarnation();
    this.#listen();
    this.#singletons.rejoined();
    void this.#registry.releaseStale().catch(() => {});
    this.up(this.name, this.#incarnation); // this node is back, as a new incarnation
  }
}
