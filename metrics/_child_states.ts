import type { ActorSystem } from "../mod.ts";

/** What the metrics know of one child of one supervisor. */
export interface ChildState {
  supervisor: string;
  childId: string;
  /** When its current run started (`performance.now()` ms); undefined while it is down. */
  startedAt?: number;
  restarts: number;
  failures: number;
  cpuPercent?: number;
  rssBytes?: number;
}

/**
 * The children of a system's supervisors, followed through its events from construction
 * on. A supervisor's children are forgotten when it exits (a new instance counts anew, as
 * OTP's does); a deleted child stays, down, until then.
 */
export class ChildStates {
  #byChild = new Map<string, ChildState>(); // `${supervisor}/${childId}`
  #byActor = new Map<string, ChildState>(); // the child's current actor, for its samples
  #ofSupervisor = new Map<string, Set<string>>();

  constructor(system: ActorSystem) {
    system.events.subscribe((event) => {
      switch (event.type) {
        case "child_started":
        case "child_restarted": {
          const child = this.#get(event.supervisor, event.childId);
          child.startedAt = performance.now();
          if (event.type === "child_restarted") child.restarts++;
          this.#byActor.set(event.actor, child);
          break;
        }
        case "child_exited": {
          const child = this.#get(event.supervisor, event.childId);
          child.startedAt = child.cpuPercent = child.rssBytes = undefined;
          this.#byActor.delete(event.actor);
          break;
        }
        case "child_start_failed":
          this.#get(event.supervisor, event.childId).failures++;
          break;
        case "process_sample": {
          const child = this.#byActor.get(event.actor);
          if (child === undefined) break;
          child.cpuPercent = event.sample.cpuPercent;
          child.rssBytes = event.sample.rssBytes;
          break;
        }
        case "actor_exited":
          this.#forget(event.actor);
      }
    });
  }

  all(): IterableIterator<ChildState> {
    return this.#byChild.values();
  }

  #get(supervisor: string, childId: string): ChildState {
    const key = `${supervisor}/${childId}`;
    let child = this.#byChild.get(key);
    if (child === undefined) {
      child = { supervisor, childId, restarts: 0, failures: 0 };
      this.#byChild.set(key, child);
      let keys = this.#ofSupervisor.get(supervisor);
      if (keys === undefined) this.#ofSupervisor.set(supervisor, keys = new Set());
      keys.add(key);
    }
    return child;
  }

  #forget(supervisor: string): void {
    for (const key of this.#ofSupervisor.get(supervisor) ?? []) this.#byChild.delete(key);
    this.#ofSupervisor.delete(supervisor);
  }
}
