import type { ActorRef, Behavior, SpawnOptions, Startable } from "./actor.ts";
import { ActorCell } from "./_cell.ts";
import type { Host } from "./_host.ts";
import { mailboxSchema } from "./mailbox.ts";
import { parseSpec, refusal } from "./_schema.ts";

/**
 * Creates, registers and schedules an actor (synchronous: `init` runs later on the
 * scheduler). With `parent`, the new actor is linked to it (OTP's `spawn_link`).
 * @throws {TypeError | RangeError} bad options, a taken name, or no behaviour
 */
export function spawnActor<M, R extends ActorRef<M>>(
  host: Host,
  start: Behavior<unknown, M> | Startable<M, R>,
  options: SpawnOptions | undefined,
  parent: ActorCell<unknown> | undefined,
): R {
  const bounds = options?.mailbox === undefined
    ? undefined
    : parseSpec(mailboxSchema, options.mailbox, "spawn options", "mailbox");
  const cell = new ActorCell<M>(host, parent, options?.name, bounds);
  if ("instantiate" in start) {
    const instance = start.instantiate(cell);
    cell.setup(instance.behavior, instance.ref as ActorRef<unknown>, start.type, instance.facts);
  } else {
    if (typeof start?.receive !== "function") {
      throw refusal("behaviour", "receive", "must be a function", (start as { receive?: unknown } | undefined)?.receive);
    }
    cell.setup(start as Behavior<unknown, M>, cell as ActorRef<unknown>, "worker");
  }
  if (cell.name !== undefined) host.register(cell.name, cell.ref);
  if (parent !== undefined) parent.link(cell as ActorCell<unknown>);
  cell.start();
  return cell.ref as R;
}
