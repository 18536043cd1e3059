import { addExtension, Encoder } from "cbor-x";
import { type ActorRef, ForwardingRef } from "../mod.ts";
import { ActorCell } from "../src/internal.ts";
import { type Address, isAddress, RemoteRef } from "./remote_ref.ts";

// Messages between nodes: CBOR (cbor-x) with its structured-clone extensions, so Map,
// Set, Date, BigInt, typed arrays, Error (its message) and shared or cyclic objects
// survive; an actor ref anywhere inside a message travels as its address and arrives
// as a usable ref (local on its own node, remote elsewhere).

/** What the codec asks of the node that encodes or decodes. */
export interface RefTable {
  /** The address of `ref`, local (exported, so that its node can find it) or remote. */
  addressOf(ref: ActorRef<unknown>): Address;
  /** The ref at `address`. */
  refAt(address: Address): ActorRef<unknown>;
}

/** A CBOR tag of the first-come-first-served range, for actor refs. */
const REF_TAG = 40_403;

let table: RefTable | undefined; // the node encoding or decoding right now (both are synchronous)

for (const Class of [ActorCell, ForwardingRef, RemoteRef]) {
  const extension = {
    Class,
    tag: REF_TAG,
    // Writes through `encode`, returns nothing (as cbor-x's own extensions do).
    encode(ref: ActorRef<unknown>, encode: (value: unknown) => void): void {
      if (table === undefined) throw new TypeError("an actor ref can only be encoded by a cluster node");
      encode(table.addressOf(ref));
    },
    decode(address: unknown): ActorRef<unknown> {
      if (table === undefined) throw new TypeError("an actor ref can only be decoded by a cluster node");
      if (!isAddress(address)) throw new TypeError("not an actor ref's address");
      return table.refAt(address);
    },
  };
  addExtension(extension as unknown as Parameters<typeof addExtension>[0]);
}

const cbor = new Encoder({ structuredClone: true, useRecords: false });

/**
 * Encodes `value` for `node`.
 * @throws {TypeError} when it holds what cannot cross a network (a function, a symbol, ...)
 */
export function encode(node: RefTable, value: unknown): Uint8Array {
  table = node;
  try {
    return cbor.encode(value);
  } catch (error) {
    throw new TypeError(`Cannot send this message to another node: ${(error as Error).message}`, { cause: error });
  } finally {
    table = undefined;
  }
}

/**
 * Encodes `value` for `node`, refusing what is over `maxBytes`.
 * @throws {TypeError} as `encode`; {RangeError} when the bytes are over `maxBytes`
 */
export function encodeAtMost(node: RefTable, value: unknown, maxBytes: number): Uint8Array {
  const bytes = encode(node, value);
  if (bytes.length > maxBytes) {
    throw new RangeError(
      `Cannot send this message to another node: ${bytes.length} bytes encoded, over the bus's limit of ${maxBytes} bytes`,
    );
  }
  return bytes;
}

/** Decodes the values `encode` made that `data` holds one after the other (a batch), for `node`. @throws {Error} on bytes that are not such values */
export function decodeAll(node: RefTable, data: Uint8Array): unknown[] {
  table = node;
  try {
    return cbor.decodeMultiple(data) as unknown[];
  } finally {
    table = undefined;
  }
}

/** Decodes what `encode` made, for `node`. @throws {Error} on bytes that are not such a message */
export function decode(node: RefTable, data: Uint8Array): unknown {
  table = node;
  try {
    return cbor.decode(data);
  } finally {
    table = undefined;
  }
}
