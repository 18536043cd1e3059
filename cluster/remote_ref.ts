import type { ActorRef, AskOptions, ExitReason } from "../mod.ts";
import { CONTROL, type Control } from "../src/internal.ts";

/** Where an actor lives: node name, the node's incarnation, the actor's id there. */
export type Address = [node: string, incarnation: number, id: string];

/** Whether `value`, decoded from the wire, is an `Address` (anything on the bus may publish anything). */
export function isAddress(value: unknown): value is Address {
  return Array.isArray(value) && value.length === 3 && typeof value[0] === "string" &&
    typeof value[1] === "number" && typeof value[2] === "string";
}

/** What a remote ref stands for: its node's control of that actor (`_remote_control.ts`). */
export interface RemoteActor extends Control {
  readonly address: Address;
  send(message: unknown): boolean;
  ask<R>(message: unknown, options: AskOptions | undefined): Promise<R>;
  stop(reason: ExitReason): Promise<void>;
}

let create: (control: RemoteActor) => RemoteRef<unknown>;

/** The one ref of `control` (called once per remote actor, by its control). */
export function remoteRef(control: RemoteActor): RemoteRef<unknown> {
  return create(control);
}

/**
 * A ref to an actor on another node. It behaves as a local ref: `send` (at most once,
 * in order per sender and receiver), `ask`, `stop`; `alive` is what this node knows
 * (false once the actor's exit or its node's death is known); `mailboxSize` is not
 * known here (0).
 */
export class RemoteRef<M> implements ActorRef<M> {
  readonly #control: RemoteActor;

  private constructor(control: RemoteActor) {
    this.#control = control;
  }
  static {
    create = (control) => Object.defineProperty(new RemoteRef(control), CONTROL, { value: control });
  }

  /** `<id>@<node>`. */
  get id(): string {
    return `${this.#control.address[2]}@${this.#control.address[0]}`;
  }
  /** The node the actor lives on. */
  get node(): string {
    return this.#control.address[0];
  }
  /** The incarnation of that node the actor belongs to. */
  get incarnation(): number {
    return this.#control.address[1];
  }
  /** False once this node knows the actor exited (a reply, a monitor, `stop`) or its node was declared down. */
  get alive(): boolean {
    return this.#control.alive;
  }
  /** Not known on this node: always 0. */
  get mailboxSize(): number {
    return 0;
  }
  /**
   * Sends `message` (at most once, in order per sender and receiver). Returns false, and
   * publishes a `dead_letter`, when the actor is known dead or NATS is disconnected.
   * @throws {TypeError} when `message` cannot be encoded (a function, a symbol, a class instance's methods)
   * @throws {RangeError} when it is encoded larger than the bus carries (NATS' `max_payload`, 1 MiB by default)
   */
  send(message: M): boolean {
    return this.#control.send(message);
  }
  /**
   * Asks and resolves with the reply. Rejects with `ActorStoppedError` (`"noproc"` when
   * the actor is gone, `"noconnection"` when its node is unreachable or declared down),
   * `AskTimeoutError` after `timeoutMs` (default 5000 ms), or `signal`'s reason.
   */
  ask<R>(message: M, options?: AskOptions): Promise<R> {
    return this.#control.ask<R>(message, options);
  }
  /** Stops the actor with `reason` and resolves once it has exited (at once if its node is gone). */
  stop(reason: ExitReason = "shutdown"): Promise<void> {
    return this.#control.stop(reason);
  }
  /** `RemoteRef(<id>@<node>)`. */
  toString(): string {
    return `RemoteRef(${this.id})`;
  }
}
