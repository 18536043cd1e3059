import type { ExitReason } from "./exit_reason.ts";
import { Mailbox } from "./mailbox.ts";

/**
 * Why a message became a dead letter: its actor was not alive, its bounded mailbox
 * was full (the overflow rule dropped it), a broker topic had no subscriber, or a
 * supervisor received a message it does not handle (`unexpected_message`), or the node
 * of a remote actor could not be reached (`noconnection`).
 */
export type DeadLetterReason = "not_alive" | "mailbox_full" | "no_subscribers" | "unexpected_message" | "noconnection";

/**
 * What an `ActorSystem` reports on `system.events`. Plain, JSON-friendly objects:
 * actors are named by id (`actor`, `supervisor`), children by their spec `childId`.
 * `reason` may hold an `Error` (in `{ error }`), which `JSON.stringify` needs help with.
 */
export type SystemEvent =
  | { type: "actor_started"; actor: string; name?: string }
  | { type: "actor_exited"; actor: string; name?: string; reason: ExitReason }
  | {
    type: "child_started";
    supervisor: string;
    childId: string;
    actor: string;
    childType: "worker" | "supervisor";
    pid?: number;
    sample?: Readonly<Record<string, number>>;
  }
  | { type: "child_exited"; supervisor: string; childId: string; actor: string; reason: ExitReason; pid?: number }
  | {
    type: "child_restarted";
    supervisor: string;
    childId: string;
    actor: string;
    restarts: number;
    pid?: number;
    sample?: Readonly<Record<string, number>>;
  }
  | { type: "child_start_failed"; supervisor: string; childId: string; actor: string; error: unknown }
  | {
    type: "health_check_failed";
    supervisor: string;
    childId: string;
    actor: string;
    failures: number;
    error: unknown;
  }
  | { type: "log"; actor: string; pid: number; stream: "stdout" | "stderr"; line: string }
  | { type: "log_error"; actor: string; pid: number; file: string; error: unknown }
  | {
    type: "supervisor_shutdown";
    supervisor: string;
    reason: "reached_max_restart_intensity" | "auto_shutdown" | "shutdown";
  }
  | { type: "dead_letter"; actor: string; message: unknown; reason: DeadLetterReason; topic?: string }
  | { type: "process_sample"; actor: string; pid: number; sample: Readonly<Record<string, number>> }
  | { type: "listener_failed"; error: unknown; event: string }
  // A cluster node (`@airssys/rt/cluster`) came up (this node too, when it joins or comes
  // back as a new incarnation), or went down: `reason` is "leave" for an orderly leave,
  // "net_tick_timeout" for missed heartbeats, "connection_closed" when this node lost the
  // bus, "restarted" when the node came back as a new incarnation.
  | { type: "node_up"; node: string; incarnation: number }
  | { type: "node_down"; node: string; incarnation: number; reason: string };

/** A subscriber. One that throws is isolated: the others still get the event, and the throw is reported. */
export type Listener<E> = (event: E) => void;

/**
 * A synchronous fan-out of events to subscribers, also consumable as an async
 * iterable. Each iterator buffers the events published after it was created, at most
 * `EventStream.ITERATOR_BUFFER` of them: a reader that falls further behind loses the
 * oldest (the stream never blocks or grows without bound for a slow reader).
 *
 * @example
 * ```ts
 * import { EventStream } from "@airssys/rt";
 * const events = new EventStream<{ type: string }>();
 * const off = events.subscribe((e) => console.log(e.type));
 * events.publish({ type: "hello" });
 * off();
 * ```
 */
export class EventStream<E> implements AsyncIterable<E> {
  /** Most events one async iterator holds unread. */
  static readonly ITERATOR_BUFFER = 10_000;
  #listeners: Listener<E>[] = [];
  #onListenerError: ((error: unknown, event: E) => void) | undefined;
  /** The listener whose throw is being reported. */
  #failing: Listener<E> | undefined;

  /**
   * A stream with no subscriber yet.
   * @param onListenerError reports a listener's throw (the system publishes a
   *   `listener_failed` event); without one, or when reporting throws too, it goes to `console.error`.
   */
  constructor(onListenerError?: (error: unknown, event: E) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Calls `listener` with every later event; returns the unsubscribe function. */
  subscribe(listener: Listener<E>): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** True when somebody listens (lets publishers skip building events). */
  get observed(): boolean {
    return this.#listeners.length > 0;
  }

  /** Delivers `event` to every current subscriber, in subscription order. */
  publish(event: E): void {
    for (const listener of this.#listeners) {
      if (listener === this.#failing) continue; // its own failure is not reported to it
      try {
        listener(event);
      } catch (error) {
        this.#report(listener, error, event);
      }
    }
  }

  #report(listener: Listener<E>, error: unknown, event: E): void {
    if (this.#onListenerError === undefined || this.#failing !== undefined) {
      console.error("airssys-rt: an event listener threw:", error);
      return;
    }
    this.#failing = listener;
    try {
      this.#onListenerError(error, event);
    } finally {
      this.#failing = undefined;
    }
  }

  /** Iterates the events published from now on; `break` unsubscribes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<E, void, undefined> {
    const buffer = new Mailbox<E>();
    let wake: (() => void) | undefined;
    const off = this.subscribe((event) => {
      if (buffer.size === EventStream.ITERATOR_BUFFER) buffer.shift();
      buffer.push(event);
      wake?.();
    });
    try {
      while (true) {
        while (buffer.size > 0) yield buffer.shift()!;
        const { promise, resolve } = Promise.withResolvers<void>();
        wake = resolve;
        await promise;
        wake = undefined;
      }
    } finally {
      off();
    }
  }
}
