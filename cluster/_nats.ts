import { createInbox, type Msg, type NatsConnection, type Subscription } from "@nats-io/nats-core";
import { Kvm } from "@nats-io/kv";
import { connect } from "@nats-io/transport-node";
import { after } from "../src/internal.ts";
import { type KeyChange, type KeyValue, type Respond, type Transport, TransportError } from "./transport.ts";

/** A request waiting for its answer. */
interface Pending {
  resolve(data: Uint8Array): void;
  reject(error: Error): void;
  cancel(): void;
}

/**
 * The cluster's transport over NATS (nats.js: `@nats-io/transport-node`, `@nats-io/kv`).
 * Reconnects forever; while disconnected `publish` returns false instead of letting
 * nats.js buffer (the buffer is dropped on reconnect anyway). Requests share one inbox
 * subscription, with timeouts on the runtime's timer (any size, `Infinity` included);
 * nats-server answers a request nobody listens to with a 503 status: `no_responders`.
 * @throws {Error} when no server in `servers` accepts a connection
 */
export async function natsTransport(servers: string | string[], name: string): Promise<Transport> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers, name, maxReconnectAttempts: -1, reconnectTimeWait: 200, pingInterval: 10_000 });
  } catch (error) {
    throw new Error(`Cannot connect to NATS at ${String(servers)}: ${(error as Error).message}`, { cause: error });
  }
  return new NatsTransport(nc);
}

/** nats-server's default `max_payload`, in bytes, until the server's INFO says otherwise. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** JetStream's answer to a compare-and-set that lost: 10071, "wrong last sequence". */
function isConflict(error: unknown): boolean {
  return (error as { code?: number }).code === 10071 || /wrong last sequence/i.test(String((error as Error).message));
}

class NatsTransport implements Transport {
  #nc: NatsConnection;
  #connected = true;
  #listeners = new Set<(connected: boolean) => void>();
  #inbox = createInbox();
  #pending = new Map<number, Pending>();
  #next = 0;
  #replies: Subscription;

  constructor(nc: NatsConnection) {
    this.#nc = nc;
    this.#replies = nc.subscribe(`${this.#inbox}.*`, { callback: (_error, msg) => this.#answer(msg) });
    void this.#watchStatus();
  }

  get connected(): boolean {
    return this.#connected && !this.#nc.isClosed();
  }

  get maxPayload(): number {
    return this.#nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
  }

  async #watchStatus(): Promise<void> {
    for await (const status of this.#nc.status()) {
      const connected = status.type === "reconnect" ? true : status.type === "disconnect" ? false : undefined;
      if (connected === undefined || connected === this.#connected) continue;
      this.#connected = connected;
      if (!connected) this.#failPending();
      for (const listener of this.#listeners) listener(connected);
    }
  }

  /** Requests in flight when the connection drops get no answer: they fail at once. */
  #failPending(): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) {
      request.cancel();
      request.reject(new TransportError("disconnected", this.#inbox));
    }
  }

  #answer(msg: Msg): void {
    const id = Number(msg.subject.slice(this.#inbox.length + 1));
    const request = this.#pending.get(id);
    if (request === undefined) return; // answered after its timeout
    this.#pending.delete(id);
    request.cancel();
    if (msg.headers?.code === 503) request.reject(new TransportError("no_responders", msg.subject));
    else request.resolve(msg.data);
  }

  publish(subject: string, data: Uint8Array): boolean {
    if (!this.connected) return false;
    try {
      this.#nc.publish(subject, data);
      return true;
    } catch {
      return false; // closed or draining
    }
  }

  subscribe(subject: string, handler: (data: Uint8Array, respond: Respond | undefined) => void): () => void {
    const subscription = this.#nc.subscribe(subject, {
      callback: (_error, msg) => {
        const reply = msg.reply;
        handler(msg.data, reply === undefined || reply === "" ? undefined : (data) => void this.publish(reply, data));
      },
    });
    return () => subscription.unsubscribe();
  }

  request(subject: string, data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    if (!this.connected) return Promise.reject(new TransportError("disconnected", subject));
    const id = ++this.#next;
    const { promise, resolve, reject } = Promise.withResolvers<Uint8Array>();
    const cancel = after(timeoutMs, () => {
      this.#pending.delete(id);
      reject(new TransportError("timeout", subject));
    });
    this.#pending.set(id, { resolve, reject, cancel });
    try {
      this.#nc.publish(subject, data, { reply: `${this.#inbox}.${id}` });
    } catch (error) {
      this.#pending.delete(id);
      cancel();
      reject(error);
    }
    return promise;
  }

  onStatus(listener: (connected: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async keyValue(name: string): Promise<KeyValue> {
    const kv = await new Kvm(this.#nc).create(name, { history: 1 });
    return {
      async create(key, value) {
        try {
          return await kv.create(key, value);
        } catch (error) {
          if (isConflict(error)) return undefined;
          throw error;
        }
      },
      put: (key, value) => kv.put(key, value),
      async delete(key, revision) {
        try {
          await kv.delete(key, revision === undefined ? undefined : { previousSeq: revision });
          return true;
        } catch (error) {
          if (isConflict(error)) return false;
          throw error;
        }
      },
      async watch(listener: (change: KeyChange) => void) {
        const watcher = await kv.watch(); // the last value of every key, then changes
        const { promise: initial, resolve } = Promise.withResolvers<void>();
        void (async () => {
          for await (const entry of watcher) {
            const deleted = entry.operation !== "PUT";
            listener({ key: entry.key, value: deleted ? undefined : entry.value, revision: entry.revision });
            if (entry.delta === 0) resolve();
          }
        })();
        // An empty bucket has no current value to mark the end of the initial ones.
        const status = await kv.status();
        if (status.values === 0) resolve();
        await initial;
        return () => watcher.stop();
      },
    };
  }

  async close(): Promise<void> {
    this.#failPending();
    this.#replies.unsubscribe();
    if (!this.#nc.isClosed()) await this.#nc.drain().catch(() => this.#nc.close());
  }
}
