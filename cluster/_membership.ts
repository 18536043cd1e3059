import type { Transport } from "./transport.ts";
import type { Member } from "./types.ts";

/** What membership tells its node, and asks of it. */
export interface MembershipHost {
  readonly name: string;
  readonly incarnation: number;
  up(node: string, incarnation: number): void;
  down(node: string, incarnation: number, reason: string): void;
  /** This node was declared down by the others (or lost the bus too long): it must come back as a new incarnation. */
  rejoin(reason: string): void;
  /** Every live node has been heard (a detection window after joining or rejoining). */
  settled(): void;
  encode(value: unknown): Uint8Array;
  decode(data: Uint8Array): unknown;
}

type Beat = [kind: "beat" | "leave" | "quarantined", node: string, incarnation: number];

/** Incarnations remembered as down (their beats answered with "quarantined"), oldest dropped first. */
const QUARANTINE_LIMIT = 10_000;

/**
 * Membership by heartbeats on one subject (Erlang's net ticks, Akka's failure detector
 * simplified to a count): every node beats every `heartbeatMs`; a peer silent for
 * `downAfterMissed` beats is down (`net_tick_timeout`), one that leaves is down at once
 * (`leave`), one that comes back with a new incarnation replaces the old (`restarted`).
 * A down incarnation is quarantined: its beats are answered "quarantined", and that node
 * rejoins as a new incarnation (so refs to the old one stay dead). A node that itself
 * stalled, or lost the bus, for longer than the detection window treats every peer as
 * down (`connection_closed`) and rejoins.
 */
export class Membership {
  #transport: Transport;
  #subject: string;
  /** Answered by the node of this name while it runs: a second one with the name is refused. */
  #nameSubject: string;
  #host: MembershipHost;
  #beatMs: number;
  #windowMs: number;
  #peers = new Map<string, { incarnation: number; status: "up" | "down"; lastSeen: number }>();
  #quarantined = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #settling: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: (() => void)[] = [];
  #lastTick = performance.now();
  #disconnectedAt: number | undefined;
  #isolated = false;
  #offStatus: (() => void) | undefined;

  /** `base`: the cluster's subject prefix (`airssys.<cluster>`). */
  constructor(transport: Transport, base: string, host: MembershipHost, beatMs: number, missed: number) {
    this.#transport = transport;
    this.#subject = `${base}.beat`;
    this.#nameSubject = `${base}.name.${host.name}`;
    this.#host = host;
    this.#beatMs = beatMs;
    this.#windowMs = beatMs * missed;
  }

  /**
   * Refuses to join as a name a running node has (Erlang refuses a second node of one
   * name): that node answers on the name's subject; nobody answering (or a node too
   * stalled to answer within the detection window) lets this one join.
   * @throws {Error} when a node of this name answers
   */
  async claim(): Promise<void> {
    let answer: Uint8Array;
    try {
      answer = await this.#transport.request(this.#nameSubject, new Uint8Array(0), this.#windowMs);
    } catch {
      return; // no responders (or no answer in time): the name is free
    }
    const incarnation = this.#host.decode(answer);
    throw new Error(
      `Cannot join as node ${JSON.stringify(this.#host.name)}: a node of that name is up (incarnation ${incarnation})`,
    );
  }

  start(): void {
    this.#unsubscribe = [
      this.#transport.subscribe(this.#subject, (data) => this.#receive(data)),
      this.#transport.subscribe(
        this.#nameSubject,
        (_data, respond) => respond?.(this.#host.encode(this.#host.incarnation)),
      ),
    ];
    this.#offStatus = this.#transport.onStatus((connected) => {
      if (!connected) this.#disconnectedAt = performance.now();
      else if (this.#isolated) this.#rejoin("connection_closed");
      else this.#disconnectedAt = undefined;
    });
    this.#lastTick = performance.now();
    this.#beat("beat");
    this.#timer = setInterval(() => this.#tick(), this.#beatMs);
    this.#settleLater();
  }

  /** Live peers answer a newcomer's first beat at once: after a window, those not heard are gone. */
  #settleLater(): void {
    clearTimeout(this.#settling);
    this.#settling = setTimeout(() => this.#host.settled(), this.#windowMs);
  }

  /** Every node this one knows, itself first. */
  members(): Member[] {
    const self = { node: this.#host.name, incarnation: this.#host.incarnation, status: "up" as const };
    return [self, ...[...this.#peers].map(([node, p]) => ({ node, incarnation: p.incarnation, status: p.status }))];
  }

  /** Whether `node` runs as `incarnation` (`"up"`), was declared down (or this node moved on from it), or is not known yet. */
  statusOf(node: string, incarnation: number): "up" | "down" | "unknown" {
    if (node === this.#host.name) return incarnation === this.#host.incarnation ? "up" : "down";
    if (this.#quarantined.has(`${node}:${incarnation}`)) return "down";
    const peer = this.#peers.get(node);
    return peer === undefined || peer.incarnation !== incarnation ? "unknown" : peer.status;
  }

  /** Tells the others that this node leaves, and stops beating. */
  leave(): void {
    this.#beat("leave");
    this.stop();
  }

  stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#settling);
    for (const off of this.#unsubscribe) off();
    this.#offStatus?.();
  }

  #beat(kind: Beat[0], node = this.#host.name, incarnation = this.#host.incarnation): void {
    this.#transport.publish(this.#subject, this.#host.encode([kind, node, incarnation] satisfies Beat));
  }

  #receive(data: Uint8Array): void {
    let beat: Beat;
    try {
      beat = this.#host.decode(data) as Beat;
    } catch {
      return; // not ours
    }
    if (!Array.isArray(beat) || typeof beat[1] !== "string" || typeof beat[2] !== "number") return; // not ours
    const [kind, node, incarnation] = beat;
    if (kind === "quarantined") {
      if (node === this.#host.name && incarnation === this.#host.incarnation) this.#rejoin("restarted");
      return;
    }
    if (node === this.#host.name) return;
    const peer = this.#peers.get(node);
    if (kind === "leave") {
      if (peer?.status === "up" && peer.incarnation === incarnation) this.#down(node, "leave");
      return;
    }
    if (this.#quarantined.has(`${node}:${incarnation}`)) return this.#beat("quarantined", node, incarnation);
    if (peer?.status === "up" && peer.incarnation === incarnation) {
      peer.lastSeen = performance.now();
      return;
    }
    if (peer?.status === "up") this.#down(node, "restarted");
    this.#peers.set(node, { incarnation, status: "up", lastSeen: performance.now() });
    this.#host.up(node, incarnation);
    this.#beat("beat"); // a newcomer learns of this node at once, not a beat later
  }

  #down(node: string, reason: string, quarantine = true): void {
    const peer = this.#peers.get(node);
    if (peer === undefined || peer.status === "down") return;
    peer.status = "down";
    if (quarantine) {
      this.#quarantined.add(`${node}:${peer.incarnation}`);
      if (this.#quarantined.size > QUARANTINE_LIMIT) this.#quarantined.delete(this.#quarantined.values().next().value!);
    }
    this.#host.down(node, peer.incarnation, reason);
  }

  #tick(): void {
    const now = performance.now();
    const stalled = now - this.#lastTick > this.#windowMs;
    this.#lastTick = now;
    if (stalled) return this.#rejoin("restarted"); // the others have declared this incarnation down by now
    if (this.#disconnectedAt !== undefined) {
      if (!this.#isolated && now - this.#disconnectedAt > this.#windowMs) {
        this.#isolated = true;
        for (const [node] of this.#peers) this.#down(node, "connection_closed", false);
      }
      return;
    }
    this.#beat("beat");
    for (const [node, peer] of this.#peers) {
      if (peer.status === "up" && now - peer.lastSeen > this.#windowMs) this.#down(node, "net_tick_timeout");
    }
  }

  /** Every peer is down for this node; it comes back as a new incarnation and beats at once. */
  #rejoin(reason: string): void {
    for (const [node] of this.#peers) this.#down(node, "connection_closed", false);
    this.#peers.clear();
    this.#isolated = false;
    this.#disconnectedAt = undefined;
    this.#host.rejoin(reason);
    this.#lastTick = performance.now();
    this.#beat("beat");
    this.#settleLater(); // peers that died while this node was away were never seen going
  }
}
