import type { Transport } from "./transport.ts";

/** A batch is sent once it holds this many bytes, well under NATS' default 1 MiB max_payload. */
const MAX_BATCH_BYTES = 64 * 1024;

/**
 * Tells and control ops bound for other nodes, as CBOR items concatenated per subject
 * (CBOR is self-delimiting; `decodeEach` reads them back): what one turn of the event loop
 * sends to a node goes as one NATS message, at the end of the turn (a microtask), or
 * sooner once it holds `MAX_BATCH_BYTES`. Akka's Artery batches the same way. Order per
 * subject is kept; a request to a node sends what is queued for it first (`flush`), so an
 * ask never overtakes the tells before it.
 */
export class Outbox {
  #transport: Transport;
  #batches = new Map<string, { parts: Uint8Array[]; bytes: number }>();
  #scheduled = false;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Queues `data` for `subject`; false, with nothing queued, while the bus is disconnected. */
  post(subject: string, data: Uint8Array): boolean {
    if (!this.#transport.connected) return false;
    let batch = this.#batches.get(subject);
    if (batch !== undefined && batch.bytes + data.length > this.#transport.maxPayload) {
      this.flush(subject); // a batch never grows past what the bus carries in one message
      batch = undefined;
    }
    if (batch === undefined) this.#batches.set(subject, batch = { parts: [], bytes: 0 });
    batch.parts.push(data);
    batch.bytes += data.length;
    if (batch.bytes >= MAX_BATCH_BYTES) this.flush(subject);
    else if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.flushAll());
    }
    return true;
  }

  /** Sends what is queued for `subject` now. */
  flush(subject: string): void {
    const batch = this.#batches.get(subject);
    if (batch === undefined) return;
    this.#batches.delete(subject);
    const { parts, bytes } = batch;
    if (parts.length === 1) return void this.#transport.publish(subject, parts[0]);
    const payload = new Uint8Array(bytes);
    let at = 0;
    for (const part of parts) payload.set(part, at), at += part.length;
    this.#transport.publish(subject, payload); // a disconnection since post: at most once, they are lost
  }

  /** Sends everything queued. */
  flushAll(): void {
    this.#scheduled = false;
    for (const subject of [...this.#batches.keys()]) this.flush(subject);
  }
}
