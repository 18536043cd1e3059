import type { ActorRef, ActorSystem, ChildSpec } from "../mod.ts";
import { Node } from "./_node.ts";
import type { ClusterOptions } from "./options.ts";
import type { Member, Singleton } from "./types.ts";

let wrap: (node: Node) => ClusterNode;

/**
 * This process's node in a cluster (see `joinCluster`): membership, the cluster-wide
 * registry (OTP's `global`) and singletons. Refs to actors of other nodes arrive through
 * `whereis` and inside messages; they behave as local ones.
 */
export class ClusterNode {
  readonly #node: Node;

  private constructor(node: Node) {
    this.#node = node;
  }
  static {
    wrap = (node) => new ClusterNode(node);
  }

  /** This node's name in the cluster. */
  get name(): string {
    return this.#node.name;
  }

  /** Random per join (Erlang's creation): a node that comes back is a new incarnation, and refs to the old one stay dead. */
  get incarnation(): number {
    return this.#node.incarnation;
  }

  /** Every node this one knows, itself first, with its incarnation and status. */
  members(): Member[] {
    return this.#node.members();
  }

  /**
   * Registers `name` for `ref` (local or remote) cluster-wide (OTP's
   * `global:register_name/2`) with a compare-and-set in NATS KV; resolves false when the
   * name is taken. The name is freed when the actor exits or its node is declared down.
   * @throws {TypeError} when `name` is not letters, digits and `-_=/` in `.`-separated parts
   */
  register(name: string, ref: ActorRef<unknown>): Promise<boolean> {
    return this.#node.register(name, ref);
  }

  /**
   * Registers `name` for `ref` whoever holds it now (OTP's `global:re_register_name/2`):
   * for a name this node owns by construction, such as a restarted child's, whose
   * predecessor's registration may not be freed yet.
   * @throws {TypeError} when `name` is not letters, digits and `-_=/` in `.`-separated parts
   */
  reregister(name: string, ref: ActorRef<unknown>): Promise<void> {
    return this.#node.reregister(name, ref);
  }

  /** The actor registered as `name`, from this node's watched copy of the registry: a local ref on its own node, a remote one elsewhere; undefined if none. */
  whereis(name: string): Promise<ActorRef<unknown> | undefined> {
    return this.#node.whereis(name);
  }

  /** Frees `name` (OTP's `global:unregister_name/1`). */
  unregister(name: string): Promise<void> {
    return this.#node.unregister(name);
  }

  /**
   * Runs `spec` once in the whole cluster (OTP's distributed application with failover):
   * under a local supervisor of whichever node wins its lease, registered as `spec.id`;
   * when that node goes down, another takes the lease and starts it.
   */
  singleton(spec: ChildSpec): Promise<Singleton> {
    return this.#node.singleton(spec);
  }

  /** Leaves in order: peers see `node_down` with reason `"leave"`; names and leases are freed; NATS is closed if `joinCluster` opened it. */
  leave(): Promise<void> {
    return this.#node.leave();
  }
}

/**
 * Joins `system` to a cluster over NATS (or `options.transport`): refs to actors of other
 * nodes behave as local ones, with Erlang distribution's failure semantics (`noproc`,
 * `noconnection`). Resolves once the registry and leases are loaded and this node beats.
 *
 * @throws {TypeError | RangeError} for bad options, naming the field
 * @throws {Error} when NATS cannot be reached, has no JetStream (`nats-server -js`), or a running node has this name
 *
 * @example
 * ```ts ignore
 * import { ActorSystem } from "@airssys/rt";
 * import { joinCluster } from "@airssys/rt/cluster";
 * await using system = new ActorSystem();
 * const node = await joinCluster(system, { servers: "nats://127.0.0.1:4222", cluster: "demo", node: "a" });
 * await node.register("counter", system.spawn({ init: () => 0, receive: (n: number) => n + 1 }));
 * await node.leave();
 * ```
 */
export async function joinCluster(system: ActorSystem, options: ClusterOptions): Promise<ClusterNode> {
  return wrap(await Node.join(system, options));
}
