import { type ActorRef, type ActorSystem, type ChildSpec, supervisor, type SupervisorRef } from "../mod.ts";
import type { KeyValue } from "./transport.ts";
import type { Singleton } from "./types.ts";

/** What singletons ask of their node. */
export interface SingletonHost {
  readonly name: string;
  readonly incarnation: number;
  reregister(name: string, ref: ActorRef<unknown>): Promise<void>;
  statusOf(node: string, incarnation: number): "up" | "down" | "unknown";
  whereis(name: string): Promise<ActorRef<unknown> | undefined>;
  encode(value: unknown): Uint8Array;
  decode(data: Uint8Array): unknown;
}

type Holder = [node: string, incarnation: number];

/**
 * Singletons on a KV bucket of leases: a lease is a compare-and-set create of the
 * singleton's id holding the winner's node and incarnation; the winner runs the child
 * under a local `one_for_one` supervisor (supervision stays per node, as OTP's rule) and
 * registers it by id. A lease is deleted (revision-checked) when its holder leaves or is
 * declared down; every node watching the bucket then competes again, and one wins.
 */
export class Singletons {
  #kv: KeyValue;
  #host: SingletonHost;
  #system: ActorSystem;
  #leases = new Map<string, { holder: Holder; revision: number }>();
  #entries = new Map<string, Entry>();
  #stopWatch: (() => void) | undefined;

  constructor(kv: KeyValue, host: SingletonHost, system: ActorSystem) {
    this.#kv = kv;
    this.#host = host;
    this.#system = system;
  }

  async start(): Promise<void> {
    this.#stopWatch = await this.#kv.watch(({ key, value, revision }) => {
      if (value === undefined) {
        this.#leases.delete(key);
        void this.#entries.get(key)?.compete();
        return;
      }
      try {
        this.#leases.set(key, { holder: this.#host.decode(value) as Holder, revision });
      } catch { /* not a lease */ }
    });
  }

  async add(spec: ChildSpec): Promise<Singleton> {
    if (this.#entries.has(spec.id)) throw new TypeError(`Invalid singleton at id: already added (got "${spec.id}")`);
    const entry = new Entry(spec, this);
    this.#entries.set(spec.id, entry);
    await entry.compete();
    return entry;
  }

  /** Frees the leases of `node`'s `incarnation`. */
  nodeDown(node: string, incarnation: number): void {
    this.#release(([n, i]) => n === node && i === incarnation);
  }

  /** Frees the leases of every incarnation that is not up (see `Registry.sweep`): another node then takes them. */
  sweep(): void {
    this.#release(([n, i]) => this.#host.statusOf(n, i) !== "up");
  }

  #release(match: (holder: Holder) => boolean): void {
    for (const [key, { holder, revision }] of this.#leases) {
      if (match(holder)) void this.#kv.delete(key, revision).catch(() => {});
    }
  }

  /** This node is a new incarnation: what it ran under the old one lost its lease. */
  rejoined(): void {
    for (const entry of this.#entries.values()) void entry.lost();
  }

  async stop(): Promise<void> {
    this.#stopWatch?.();
    await Promise.all([...this.#entries.values()].map((entry) => entry.stop()));
  }

  // For entries.
  get host(): SingletonHost {
    return this.#host;
  }
  get system(): ActorSystem {
    return this.#system;
  }
  leaseOf(id: string): { holder: Holder; revision: number } | undefined {
    return this.#leases.get(id);
  }
  acquire(id: string): Promise<number | undefined> {
    return this.#kv.create(id, this.#host.encode([this.#host.name, this.#host.incarnation] satisfies Holder));
  }
  release(id: string, revision: number): Promise<boolean> {
    return this.#kv.delete(id, revision).catch(() => false);
  }
  forget(id: string): void {
    this.#entries.delete(id);
  }
}

class Entry implements Singleton {
  readonly id: string;
  #spec: ChildSpec;
  #owner: Singletons;
  #running: { sup: SupervisorRef; revision: number; off: () => void } | undefined;
  #competing = false;
  #stopped = false;

  constructor(spec: ChildSpec, owner: Singletons) {
    this.id = spec.id;
    this.#spec = spec;
    this.#owner = owner;
  }

  get local(): boolean {
    return this.#running !== undefined;
  }

  whereis(): Promise<ActorRef<unknown> | undefined> {
    return this.#owner.host.whereis(this.id);
  }

  /** Takes the lease if nobody holds it, and runs the child here. */
  async compete(): Promise<void> {
    if (this.#stopped || this.#running !== undefined || this.#competing) return;
    if (this.#owner.leaseOf(this.id) !== undefined) return;
    this.#competing = true;
    try {
      const revision = await this.#owner.acquire(this.id);
      if (revision === undefined || this.#stopped) return;
      const { system } = this.#owner;
      const sup = system.spawn(supervisor({ strategy: "one_for_one", children: [this.#spec] }));
      // This node holds the lease, so the name is its own: a restarted child takes it over.
      const register = (ref: ActorRef<unknown>) => void this.#owner.host.reregister(this.id, ref).catch(() => {});
      const off = system.events.subscribe((e) => {
        if ((e.type === "child_started" || e.type === "child_restarted") && e.supervisor === sup.id) {
          void sup.whichChildren().then(([child]) => child?.ref && register(child.ref), () => {});
        }
        if (e.type === "actor_exited" && e.actor === sup.id) void this.lost(); // the supervisor gave up
      });
      this.#running = { sup, revision, off };
      const [child] = await sup.whichChildren().catch(() => []);
      if (child?.ref) register(child.ref);
    } finally {
      this.#competing = false;
    }
  }

  /** This node no longer holds the lease (or gave up): stop the child here, free the lease, compete again. */
  async lost(): Promise<void> {
    const running = this.#running;
    if (running === undefined) return;
    this.#running = undefined;
    running.off();
    await running.sup.stop().catch(() => {});
    await this.#owner.release(this.id, running.revision);
    await this.compete();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#owner.forget(this.id);
    await this.lost();
  }
}
