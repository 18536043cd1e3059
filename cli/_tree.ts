import { type ActorRef, type ChildInfo, SupervisorError, type SupervisorRef } from "../mod.ts";
import { OsProcessRef, type Signal } from "../osl/mod.ts";
import type { LogLine } from "../osl/mod.ts";
import { collectRows, type StatusRow } from "./_status_table.ts";

/**
 * A refusal of an operator's command: `reason` is the OTP-style state that refuses it
 * (`not_found`, `running`, `not_running`, `restarting`, ...), `message` names the path.
 */
export class CommandError extends Error {
  override name = "CommandError";
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** A child found by its path: its supervisor and its row. */
export interface Found {
  path: string;
  supervisor: SupervisorRef;
  info: ChildInfo;
}

/**
 * The running tree of `supervise`, addressed by path (`demo/pair/producer`, or without
 * the root's id: `pair/producer`): status rows and the operator's commands on one child.
 */
export class Tree {
  readonly root: SupervisorRef;
  readonly rootId: string;
  readonly startedAt: Map<string, number>;

  constructor(root: SupervisorRef, rootId: string, startedAt: Map<string, number>) {
    this.root = root;
    this.rootId = rootId;
    this.startedAt = startedAt;
  }

  /** Every child, depth first in start order, with its path. */
  async rows(): Promise<StatusRow[]> {
    const rows = await collectRows(this.root, this.startedAt, 0, this.rootId);
    return rows;
  }

  /** The path's segments below the root. */
  #segments(path: string): string[] {
    const parts = path.split("/").filter((p) => p !== "");
    return parts[0] === this.rootId ? parts.slice(1) : parts;
  }

  /** The supervisor at `path` (the root for the root's id or ""). @throws {CommandError} `not_found` */
  async supervisorAt(path: string): Promise<SupervisorRef> {
    let sup = this.root;
    let at = this.rootId;
    for (const id of this.#segments(path)) {
      at = `${at}/${id}`;
      const info = (await sup.whichChildren()).find((c) => c.id === id);
      if (info === undefined) throw new CommandError("not_found", `no child at ${at}`);
      if (info.type !== "supervisor" || info.ref === undefined) {
        throw new CommandError(
          info.ref === undefined ? "not_running" : "not_a_supervisor",
          `${at} is not a running supervisor`,
        );
      }
      sup = info.ref as SupervisorRef;
    }
    return sup;
  }

  /** The child at `path`. @throws {CommandError} `not_found` */
  async find(path: string): Promise<Found> {
    const segments = this.#segments(path);
    if (segments.length === 0) throw new CommandError("not_found", `${path} is the root: name a child`);
    const parent = [this.rootId, ...segments.slice(0, -1)].join("/");
    const supervisor = await this.supervisorAt(parent);
    const id = segments.at(-1)!;
    const info = (await supervisor.whichChildren()).find((c) => c.id === id);
    if (info === undefined) throw new CommandError("not_found", `no child at ${parent}/${id}`);
    return { path: `${parent}/${id}`, supervisor, info };
  }

  /** Starts a stopped child (`restart_child`). @throws {CommandError} `running`, `restarting`, `not_found` */
  async start(path: string): Promise<ActorRef<unknown>> {
    const { supervisor, info, path: at } = await this.find(path);
    return await refused(at, "start", () => supervisor.restartChild(info.id));
  }

  /** Stops a child, keeping its spec (`terminate_child`). @throws {CommandError} `not_running`, `not_found` */
  async stop(path: string): Promise<void> {
    const { supervisor, info, path: at } = await this.find(path);
    if (info.ref === undefined && info.status !== "restarting") {
      throw new CommandError("not_running", `cannot stop ${at}: not_running`);
    }
    await refused(at, "stop", () => supervisor.terminateChild(info.id));
  }

  /** Stops and starts a child again: a new incarnation, its siblings untouched. */
  async restart(path: string): Promise<ActorRef<unknown>> {
    const { supervisor, info, path: at } = await this.find(path);
    await refused(at, "restart", () => supervisor.terminateChild(info.id));
    return await refused(at, "restart", () => supervisor.restartChild(info.id));
  }

  /** Sends `signal` to an OS process child's group. @throws {CommandError} `not_an_os_process`, `not_running` */
  async signal(path: string, signal: Signal): Promise<void> {
    const { info, path: at } = await this.find(path);
    const ref = this.#process(at, info);
    if (!ref.signal(signal)) throw new CommandError("not_running", `cannot signal ${at}: not_running`);
  }

  /** The latest `count` captured lines of an OS process child (of its current run). */
  async logs(path: string, count: number): Promise<{ path: string; actor: string; lines: LogLine[] }> {
    const { info, path: at } = await this.find(path);
    const ref = this.#process(at, info);
    return { path: at, actor: ref.id, lines: ref.logs().slice(-count) };
  }

  #process(path: string, info: ChildInfo): OsProcessRef {
    if (info.ref === undefined) throw new CommandError("not_running", `${path} is not running`);
    if (!(info.ref instanceof OsProcessRef)) {
      throw new CommandError("not_an_os_process", `${path} is not an OS process`);
    }
    return info.ref;
  }
}

/** Runs a supervisor call, turning its refusal (OTP's error atom) into a CommandError naming the path. */
async function refused<T>(path: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SupervisorError) {
      throw new CommandError(error.reason, `cannot ${what} ${path}: ${error.reason}`);
    }
    throw new CommandError("start_failed", `cannot ${what} ${path}: ${(error as Error).message}`);
  }
}
