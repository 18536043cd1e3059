import * as v from "valibot";
import { numberAtLeast, parseSpec, typed } from "../src/internal.ts";
import type { Transport } from "./transport.ts";

/** Options of `joinCluster`. */
export interface ClusterOptions {
  /** NATS server URL(s), e.g. `"nats://127.0.0.1:4222"`. Required unless `transport` is given. */
  servers?: string | string[];
  /** The cluster's name: nodes of one cluster see each other only (letters, digits, `_`, `-`). */
  cluster: string;
  /** This node's name, unique in the cluster (letters, digits, `_`, `-`). */
  node: string;
  /** Interval of this node's heartbeats, in ms, from 10 to 60000. @default 1000 */
  heartbeatMs?: number;
  /** A peer is down after this many heartbeat intervals without one (Erlang's net tick), from 1 to 100. @default 3 */
  downAfterMissed?: number;
  /** A transport of your own instead of NATS at `servers` (see `Transport`). @default NATS */
  transport?: Transport;
}

/** `ClusterOptions` with the defaults filled in. */
export interface ResolvedClusterOptions {
  servers: string | string[] | undefined;
  cluster: string;
  node: string;
  heartbeatMs: number;
  downAfterMissed: number;
  transport: Transport | undefined;
}

const token = (what: string) =>
  v.pipe(
    v.string(`must be a string of letters, digits, "_" or "-" (${what})`),
    v.regex(/^[A-Za-z0-9_-]+$/, `must be letters, digits, "_" or "-" (${what})`),
  );
const url = v.pipe(v.string("must be a NATS URL string"), v.minLength(1, "must be a NATS URL string"));

/** A whole number from `min` to `max` (failure detection slower than minutes detects nothing). */
const between = (min: number, max: number, rule: string) =>
  v.pipe(numberAtLeast(min, rule, true), v.maxValue(max, rule));

const servers = v.union([url, v.pipe(v.array(url), v.minLength(1))], "must be a NATS URL or a list of them");

/** The options a JSON file can hold (`supervise`'s `cluster`): all but `transport`. */
const jsonEntries = {
  servers: v.optional(servers),
  cluster: token("it names NATS subjects and buckets"),
  node: token("it names NATS subjects"),
  heartbeatMs: v.optional(between(10, 60_000, "must be a whole number of ms from 10 to 60000"), 1000),
  downAfterMissed: v.optional(between(1, 100, "must be a whole number from 1 to 100"), 3),
};

const schema = typed<ResolvedClusterOptions>(v.pipe(
  v.strictObject({
    ...jsonEntries,
    transport: v.optional(v.custom<Transport>((t) => typeof t === "object" && t !== null, "must be a Transport")),
  }, "must be an object"),
  v.forward(
    v.check((o) => o.servers !== undefined || o.transport !== undefined, "is required (or a transport)"),
    ["servers"],
  ),
));

/** The `cluster` field of a `supervise` config: `joinCluster`'s options without `transport`, `servers` required. */
export const clusterConfigSchema: v.GenericSchema<unknown, Omit<ResolvedClusterOptions, "transport">> = v.strictObject(
  { ...jsonEntries, servers },
  "must be an object with servers, cluster and node",
);

/**
 * Validates `joinCluster`'s options, naming the bad field.
 * @throws {TypeError | RangeError} e.g. `Invalid cluster options at node: must be letters, digits, "_" or "-" (got "a.b")`
 */
export function resolveClusterOptions(options: ClusterOptions): ResolvedClusterOptions {
  return parseSpec(schema, options, "cluster options");
}
