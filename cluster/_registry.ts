import type { ActorRef } from "../mod.ts";
import { controlOf } from "../src/internal.ts";
import { type Address, isAddress } from "./remote_ref.ts";
import type { KeyValue } from "./transport.ts";

/** What the registry asks of its node. */
export interface RegistryHost {
  readonly name: string;
  readonly incarnation: number;
  addressOf(ref: ActorRef<unknown>): Address;
  refAt(address: Address): ActorRef<unknown>;
  /** Whether `node` runs as `incarnation`, was declared down, or is not known (yet) to this node. */
  statusOf(node: string, incarnation: number): "up" | "down" | "unknown";
  encode(value: unknown): Uint8Array;
  decode(data: Uint8Array): unknown;
}

/** Names are NATS KV keys: letters, digits and `-_=/`, in dot-separated parts. */
const NAME = /^[-\w=/]+(\.[-\w=/]+)*$/;

/**
 * The cluster-wide name registry (OTP's `global`), on a NATS KV bucket: `register` is a
 * compare-and-set create (exactly one of racing nodes wins), a name is freed (by a
 * revision-checked delete, so a newer owner is never removed) when its actor exits or its
 * node is declared down, and `whereis` answers from a local cache the bucket's watch keeps.
 */
export class Registry {
  #kv: KeyValue;
  #host: RegistryHost;
  #cache = new Map<string, { address: Address; revision: number }>();
  #stopWatch: (() => void) | undefined;

  constructor(kv: KeyValue, host: RegistryHost) {
    this.#kv = kv;
    this.#host = host;
  }

  async start(): Promise<void> {
    this.#stopWatch = await this.#kv.watch(({ key, value, revision }) => {
      if (value === undefined) return void this.#cache.delete(key);
      try {
        const address = this.#host.decode(value);
        if (!isAddress(address)) return; // not written by a node
        this.#cache.set(key, { address, revision });
        // A name whose node is already down (it went before this node watched) is freed here too.
        if (this.#host.statusOf(address[0], address[1]) === "down") void this.#kv.delete(key, revision).catch(() => {});
      } catch { /* not an address: ignore */ }
    });
  }

  stop(): void {
    this.#stopWatch?.();
  }

  /**
   * Registers `name` for `ref` unless it is taken; true when this call took it.
   * @throws {TypeError} when `name` is not a valid name
   */
  async register(name: string, ref: ActorRef<unknown>): Promise<boolean> {
    check(name);
    if (!ref.alive) return false;
    const address = this.#host.addressOf(ref);
    const revision = await this.#kv.create(name, this.#host.encode(address));
    if (revision === undefined) return false;
    this.#held(name, address, ref, revision);
    return true;
  }

  /** Registers `name` for `ref` whoever holds it (OTP's `global:re_register_name/2`). */
  async reregister(name: string, ref: ActorRef<unknown>): Promise<void> {
    check(name);
    if (!ref.alive) return;
    const address = this.#host.addressOf(ref);
    this.#held(name, address, ref, await this.#kv.put(name, this.#host.encode(address)));
  }

  /** `ref` holds `name` at `revision` until it exits (a revision-checked delete never removes a successor). */
  #held(name: string, address: Address, ref: ActorRef<unknown>, revision: number): void {
    this.#cache.set(name, { address, revision });
    controlOf(ref).onExit(() => void this.#kv.delete(name, revision).catch(() => {}));
  }

  /** The actor registered as `name` (local or remote), or undefined. */
  whereis(name: string): ActorRef<unknown> | undefined {
    const entry = this.#cache.get(name);
    if (entry === undefined || this.#host.statusOf(entry.address[0], entry.address[1]) === "down") return undefined;
    const ref = this.#host.refAt(entry.address);
    return ref.alive ? ref : undefined;
  }

  /** Frees `name`, whoever registered it (OTP's `global:unregister_name/1`). */
  async unregister(name: string): Promise<void> {
    check(name);
    const entry = this.#cache.get(name);
    await this.#kv.delete(name, entry?.revision);
    this.#cache.delete(name);
  }

  /** Frees the names of `node`'s `incarnation` (each only if it still has the revision seen). */
  nodeDown(node: string, incarnation: number): Promise<void> {
    return this.#release(([n, i]) => n === node && i === incarnation);
  }

  /** Frees the names this node registered under an incarnation it no longer has. */
  releaseStale(): Promise<void> {
    return this.#release(([n, i]) => n === this.#host.name && i !== this.#host.incarnation);
  }

  /**
   * Frees the names of every incarnation that is not up: the KV bucket outlives the nodes,
   * so names left by nodes that died unseen (a whole cluster restarted, say) would be taken
   * forever. Run once every live node has been heard (a detection window after joining).
   */
  sweep(): Promise<void> {
    return this.#release(([n, i]) => this.#host.statusOf(n, i) !== "up");
  }

  /** Frees every name registered by this node's current incarnation (on `leave`). */
  releaseOwn(): Promise<void> {
    return this.nodeDown(this.#host.name, this.#host.incarnation);
  }

  async #release(match: (address: Address) => boolean): Promise<void> {
    const names = [...this.#cache].filter(([, { address }]) => match(address));
    await Promise.all(names.map(([key, { revision }]) => this.#kv.delete(key, revision).catch(() => false)));
  }
}

function check(name: string): void {
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new TypeError(
      `Invalid name ${JSON.stringify(name)}: must be letters, digits and "-_=/", in parts separated by "."`,
    );
  }
}
