import type { ActorRef, Behavior, Instance, SpawnOptions, Startable } from "./actor.ts";
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
  let instance: Instance<M, ActorRef<M>>;
  if (start !== null && typeof start === "object" && "instantiate" in start) instance = start.instantiate(cell);
  else if (typeof (start as { receive?: unknown } | null)?.receive === "function") {
    instance = { behavior: start as Behavior<unknown, M>, ref: cell };
  } else throw refusal("behaviour", "receive", "must be a function", (start as { receive?: unknown } | null)?.receive);
  const ref = instance.ref as ActorRef<unknown>;
  if (cell.name !== undefined) host.register(cell.name, ref);
  cell.start(instance.behavior, ref, "instantiate" in start ? start.type : "worker", instance.facts);
  if (parent !== undefined) parent.link(cell as ActorCell<unknown>);
  return cell.ref as R;
}
