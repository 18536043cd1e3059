import type { ExitReason } from "./exit_reason.ts";

/**
 * Why a message became a dead letter: its actor was not alive, its bounded mailbox
 * was full (the overflow rule dropped it), or a broker topic had no subscriber.
 */
export type DeadLetterReason = "not_alive" | "mailbox_full" | "no_subscribers";

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
  | { type: "health_check_failed"; supervisor: string; childId: string; actor: string; failures: number; error: unknown }
  | { type: "log"; actor: string; pid: number; stream: "stdout" | "stderr"; line: string }
  | { type: "supervisor_shutdown"; supervisor: string; reason: "reached_max_restart_intensity" | "auto_shutdown" | "shutdown" }
  | { type: "dead_letter"; actor: string; message: unknown; reason: DeadLetterReason; topic?: string }
  | { type: "process_sample"; actor: string; pid: number; sample: Readonly<Record<string, number>> };

/** A subscriber; it must not throw (a throw is reported with `reportError`). */
export type Listener<E> = (event: E) => void;

/**
 * A synchronous fan-out of events to subscribers, also consumable as an async
 * iterable (each iterator buffers the events published after it was created).
 *
 * @example
 * ```ts
 * const off = system.events.subscribe((e) => console.log(e.type));
 * off();
 * for await (const e of system.events) if (e.type === "child_restarted") break;
 * ```
 */
export class EventStream<E> implements AsyncIterable<E> {
  #listeners: Listener<E>[] = [];

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
      try {
        listener(event);
      } catch (error) {
        reportError(error);
      }
    }
  }

  /** Iterates the events published from now on; `break` unsubscribes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<E, void, undefined> {
    const buffer: E[] = [];
    let wake: (() => void) | undefined;
    const off = this.subscribe((event) => {
      buffer.push(event);
      wake?.();
    });
    try {
      while (true) {
        while (buffer.length > 0) yield buffer.shift()!;
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
