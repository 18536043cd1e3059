import type { ActorRef } from "../mod.ts";

/** A node of the cluster as this one sees it (`ClusterNode.members()`). */
export interface Member {
  /** The node's name. */
  node: string;
  /** Random per join, like Erlang's creation: a node that comes back has a new one. */
  incarnation: number;
  /** `"down"` once declared down (missed heartbeats, `leave`, or replaced by a new incarnation). */
  status: "up" | "down";
}

/** A child run once in the whole cluster (`ClusterNode.singleton`). */
export interface Singleton {
  /** The child spec's id, also the name it is registered under. */
  readonly id: string;
  /** True while it runs on this node. */
  readonly local: boolean;
  /** Its actor, wherever it runs; undefined while no node runs it. */
  whereis(): Promise<ActorRef<unknown> | undefined>;
  /** Stops it on this node (if here) and stops competing for it. */
  stop(): Promise<void>;
}
