/**
 * What the cluster needs of a message bus, and nothing more: subjects to publish to
 * and subscribe on, requests with a "nobody listens" answer, connection status, and a
 * key-value store with compare-and-set. `natsTransport` implements it over NATS; another
 * implementation (worker threads over `MessagePort`, say) can be passed to `joinCluster`
 * without touching membership, refs or the registry.
 *
 * Guarantees a transport must give: messages from one publisher to one subscriber arrive
 * in publication order; `publish` never queues while disconnected (it returns false).
 *
 * @module
 */

/** Why a transport request failed. */
export type TransportFailure = "no_responders" | "timeout" | "disconnected";

/** A transport request that got no answer: `reason` says why. */
export class TransportError extends Error {
  /** The error's name, for matching without `instanceof`. */
  override name = "TransportError";
  /** Why the request failed. */
  readonly reason: TransportFailure;
  /** Made by a transport. */
  constructor(reason: TransportFailure, subject: string) {
    super(`Request on ${subject}: ${reason.replace("_", " ")}`);
    this.reason = reason;
  }
}

/** Answers a request (once). */
export type Respond = (data: Uint8Array) => void;

/** A message bus between the nodes of one cluster. */
export interface Transport {
  /** True while connected to the bus. */
  readonly connected: boolean;
  /** The largest message the bus carries, in bytes (NATS: the server's `max_payload`). */
  readonly maxPayload: number;
  /** Publishes `data` on `subject`; false (and nothing queued) while disconnected. */
  publish(subject: string, data: Uint8Array): boolean;
  /** Calls `handler` with each message on `subject`, in order; `respond` is set for requests. Returns the unsubscribe function. */
  subscribe(subject: string, handler: (data: Uint8Array, respond: Respond | undefined) => void): () => void;
  /**
   * Sends a request on `subject` and resolves with the answer; rejects with
   * `TransportError` `no_responders` at once when nobody subscribes, `timeout` after
   * `timeoutMs` (any size, `Infinity` waits forever), `disconnected` while disconnected.
   */
  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Calls `listener` with `true` on (re)connection and `false` on disconnection; returns the unsubscribe function. */
  onStatus(listener: (connected: boolean) => void): () => void;
  /** The key-value bucket `name`, created if missing. */
  keyValue(name: string): Promise<KeyValue>;
  /** Closes the connection (pending publications are flushed first). */
  close(): Promise<void>;
}

/** One change of a key: its value (undefined once deleted) and the revision it has since. */
export interface KeyChange {
  /** The key. */
  key: string;
  /** Its value; undefined once deleted. */
  value: Uint8Array | undefined;
  /** The store's revision of this change (compare-and-set compares it). */
  revision: number;
}

/** A key-value store with compare-and-set, shared by the cluster. */
export interface KeyValue {
  /** Sets `key` if it has no value; resolves with the new revision, or undefined when it has one. */
  create(key: string, value: Uint8Array): Promise<number | undefined>;
  /** Sets `key` whatever it holds; resolves with the new revision. */
  put(key: string, value: Uint8Array): Promise<number>;
  /** Deletes `key`, only if its revision is still `revision` when given; resolves false when it was not. */
  delete(key: string, revision?: number): Promise<boolean>;
  /** Calls `listener` with every key's current value, then every change; resolves with the stop function once the current values were delivered. */
  watch(listener: (change: KeyChange) => void): Promise<() => void>;
}
