import type { HostedActor } from "./_host.ts";

/**
 * A system's live actors in spawn order: a doubly linked list threaded through the
 * actors' `prevLive` / `nextLive` fields, so adding and removing cost O(1) and no
 * allocation per actor.
 */
export class LiveActors {
  #head: HostedActor | undefined;
  #tail: HostedActor | undefined;

  add(actor: HostedActor): void {
    actor.prevLive = this.#tail;
    actor.nextLive = undefined;
    if (this.#tail === undefined) this.#head = actor;
    else this.#tail.nextLive = actor;
    this.#tail = actor;
  }

  delete(actor: HostedActor): void {
    const { prevLive, nextLive } = actor;
    if (prevLive === undefined) this.#head = nextLive;
    else prevLive.nextLive = nextLive;
    if (nextLive === undefined) this.#tail = prevLive;
    else nextLive.prevLive = prevLive;
    actor.prevLive = actor.nextLive = undefined;
  }

  /** The live actors, oldest first. */
  toArray(): HostedActor[] {
    const actors: HostedActor[] = [];
    for (let actor = this.#head; actor !== undefined; actor = actor.nextLive) actors.push(actor);
    return actors;
  }
}
