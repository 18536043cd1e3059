import { formatExitReason, type SystemEvent } from "../mod.ts";

/** How `supervise` shows what happens: a live table, one line per event, or JSON lines. */
export type OutputMode = "table" | "lines" | "json";

/** An event with the tree path of its child (`demo/pair/producer`), once known. */
export type PathedEvent = SystemEvent & { path?: string };

/** Events of a process actor, named by its `actor`. */
const OF_PROCESS = new Set(["log", "log_error", "process_sample"]);

/** Events held for an actor whose path is not known yet, at most (the oldest go first). */
const MAX_HELD = 1000;

/**
 * Gives events the path of their child in the tree. A nested supervisor's children
 * start (and report) before it does, and a process prints lines before its
 * `child_started` (during readiness): such events are held until the path of their
 * supervisor or actor is known, then delivered in order.
 */
export class EventPaths {
  #paths = new Map<string, string>();
  #held = new Map<string, SystemEvent[]>();
  #startedAt = new Map<string, number>();

  readonly deliver: (event: PathedEvent) => void;
  constructor(rootActor: string, rootId: string, deliver: (event: PathedEvent) => void) {
    this.deliver = deliver;
    this.#paths.set(rootActor, rootId);
  }

  /** When each running child's actor started (`performance.now()` ms), for uptimes. */
  get startedAt(): Map<string, number> {
    return this.#startedAt;
  }

  /** The path of an actor, if known. */
  pathOf(actor: string): string | undefined {
    return this.#paths.get(actor);
  }

  route(event: SystemEvent): void {
    if (event.type === "actor_started" || event.type === "actor_exited") return;
    // Held until known: a supervisor's path for its events, a process's for its output.
    const owner = "supervisor" in event
      ? event.supervisor
      : OF_PROCESS.has(event.type)
      ? (event as { actor: string }).actor
      : undefined;
    if (owner !== undefined && !this.#paths.has(owner)) return this.#hold(owner, event);
    const path = "childId" in event
      ? `${this.#paths.get(event.supervisor)}/${event.childId}`
      : this.#paths.get(owner ?? ("actor" in event ? event.actor : ""));
    if (event.type === "child_started" || event.type === "child_restarted" || event.type === "child_start_failed") {
      if (event.actor !== "") this.#paths.set(event.actor, path!);
      if (event.type !== "child_start_failed") this.#startedAt.set(event.actor, performance.now());
    }
    if (event.type === "child_exited") this.#startedAt.delete(event.actor);
    this.deliver({ ...event, path });
    const actor = "actor" in event ? event.actor : undefined;
    const held = actor === undefined ? undefined : this.#held.get(actor);
    if (held !== undefined && this.#paths.has(actor!)) {
      this.#held.delete(actor!);
      held.forEach((e) => this.route(e));
    }
  }

  #hold(owner: string, event: SystemEvent): void {
    let held = this.#held.get(owner);
    if (held === undefined) this.#held.set(owner, held = []);
    held.push(event);
    if (held.length > MAX_HELD) held.shift();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The reason or detail of an event, first, so a narrow terminal does not cut it. */
export function describe(event: SystemEvent): string {
  switch (event.type) {
    case "child_started":
      return event.pid === undefined ? "" : `pid=${event.pid}`;
    case "child_exited":
      return `reason="${formatExitReason(event.reason)}"${event.pid === undefined ? "" : ` pid=${event.pid}`}`;
    case "child_restarted":
      return `restarts=${event.restarts}${event.pid === undefined ? "" : ` pid=${event.pid}`}`;
    case "child_start_failed":
      return `error="${errorText(event.error)}"`;
    case "supervisor_shutdown":
      return `reason=${event.reason}`;
    case "dead_letter":
      return `reason=${event.reason} actor=${event.actor}`;
    case "health_check_failed":
      return `error="${errorText(event.error)}" failures=${event.failures}`;
    case "log_error":
      return `error="${errorText(event.error)}" file=${event.file}`;
    case "listener_failed":
      return `error="${errorText(event.error)}"`;
    case "log":
      return `${event.stream}: ${event.line}`;
    case "node_up":
      return `node=${event.node} incarnation=${event.incarnation}`;
    case "node_down":
      return `node=${event.node} incarnation=${event.incarnation} reason=${event.reason}`;
    default:
      return "";
  }
}

/** One line of text for an event: time, type, path, detail. */
export function eventLine(event: PathedEvent): string {
  return [new Date().toISOString().slice(11, 23), event.type.padEnd(19), event.path, describe(event)].filter((p) => p)
    .join("  ");
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { ...value, name: value.name, message: value.message };
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** One JSON line for an event, with its time and path. */
export function eventJson(event: PathedEvent): string {
  return JSON.stringify({ time: new Date().toISOString(), ...event }, jsonReplacer);
}

/** `text` wrapped to `width` columns: continuation lines are indented, nothing is cut. */
export function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines = [text.slice(0, width)];
  for (let i = width; i < text.length; i += width - 4) lines.push(`    ${text.slice(i, i + width - 4)}`);
  return lines;
}

/**
 * The screen of the live table: the tree, then the latest supervision events, then
 * (with `--logs`) the latest output lines, each area of its own, so daemon output never
 * pushes restarts out of view.
 */
export function screen(
  title: string,
  table: string,
  events: readonly string[],
  logs: readonly string[] | undefined,
  width: number,
): string[] {
  const clip = (line: string) => line.slice(0, width);
  const lines = [clip(title), "", ...table.split("\n").map(clip), "", "Events:"];
  lines.push(...events.flatMap((line) => wrap(line, width)).slice(-10));
  if (logs !== undefined) lines.push("", "Logs:", ...logs.map(clip).slice(-10));
  return lines;
}
