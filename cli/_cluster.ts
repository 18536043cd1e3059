import type { ActorSystem } from "../mod.ts";
import type { ClusterConfig } from "./config.ts";
import type { PathedEvent } from "./_output.ts";
import type { Tree } from "./_tree.ts";

/** The tree's side of a cluster: events to follow, and the leave. */
export interface TreeInCluster {
  onEvent(event: PathedEvent): void;
  leave(): Promise<void>;
}

/**
 * Joins the cluster a config names (the cluster layer, and NATS, are loaded only then) and
 * registers every child of the tree cluster-wide as `<node>.<path>` (e.g. `a.demo/web`),
 * again after each restart and when this node comes back as a new incarnation, so that
 * other nodes find, monitor and link to the daemons this one supervises.
 * @throws {Error} when NATS cannot be reached
 */
export async function joinTreeCluster(
  system: ActorSystem,
  options: ClusterConfig,
  tree: Tree,
  warn: (text: string) => void,
): Promise<TreeInCluster> {
  const { joinCluster } = await import("../cluster/mod.ts");
  const node = await joinCluster(system, options);
  // The names are this node's by construction: a restarted child takes its name over from
  // its predecessor, whose registration may not be freed yet.
  const register = async (path: string): Promise<void> => {
    const name = `${node.name}.${path}`;
    const ref = (await tree.find(path).catch(() => undefined))?.info.ref;
    if (ref?.alive) {
      await node.reregister(name, ref).catch((error) => warn(`cluster: ${path} is not registered: ${error.message}`));
    }
  };
  const registerAll = async () => {
    for (const row of await tree.rows()) void register(row.path);
  };
  await registerAll();
  return {
    onEvent(event) {
      if ((event.type === "child_started" || event.type === "child_restarted") && event.path) void register(event.path);
      if (event.type === "node_up" && event.node === node.name) void registerAll();
    },
    leave: () => node.leave(),
  };
}
