/**
 * Actors on many machines, over NATS: `joinCluster(system, options)` makes this
 * process a node of a cluster; refs to actors of other nodes behave as local ones (`send`,
 * `ask`, `stop`, links and monitors), node failures arrive as Erlang distribution's
 * signals (`noconnection`), names are registered cluster-wide (OTP's `global`) and a
 * child can run once in the whole cluster (`singleton`). Supervision stays per node.
 *
 * @example
 * ```ts ignore
 * import { ActorSystem } from "@airssys/rt";
 * import { joinCluster } from "@airssys/rt/cluster";
 *
 * await using system = new ActorSystem();
 * const node = await joinCluster(system, { servers: "nats://127.0.0.1:4222", cluster: "demo", node: "a" });
 * const counter = await node.whereis("counter"); // registered by any node
 * console.log(await counter?.ask("get"));
 * await node.leave();
 * ```
 *
 * @module
 */
export { ClusterNode, joinCluster } from "./node.ts";
export type { Member, Singleton } from "./types.ts";
export type { ClusterOptions } from "./options.ts";
export { RemoteRef } from "./remote_ref.ts";
export { TransportError } from "./transport.ts";
export type { KeyChange, KeyValue, Respond, Transport, TransportFailure } from "./transport.ts";
