import type { ActorCell } from "./actor.ts";

type Cell = ActorCell<unknown>;

/**
 * A system's live actors in spawn order: a doubly linked list threaded through the
 * cells' `prevLive` / `nextLive` fields, so adding and removing cost O(1) and no
 * allocation per actor.
 */
export class LiveActors {
  #head: Cell | undefined;
  #tail: Cell | undefined;

  add(cell: Cell): void {
    cell.prevLive = this.#tail;
    cell.nextLive = undefined;
    if (this.#tail === undefined) this.#head = cell;
    else this.#tail.nextLive = cell;
    this.#tail = cell;
  }

  delete(cell: Cell): void {
    const { prevLive, nextLive } = cell;
    if (prevLive === undefined) this.#head = nextLive;
    else prevLive.nextLive = nextLive;
    if (nextLive === undefined) this.#tail = prevLive;
    else nextLive.prevLive = prevLive;
    cell.prevLive = cell.nextLive = undefined;
  }

  /** The live actors, oldest first. */
  toArray(): Cell[] {
    const cells: Cell[] = [];
    for (let cell = this.#head; cell !== undefined; cell = cell.nextLive) cells.push(cell);
    return cells;
  }
}
