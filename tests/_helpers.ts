import type { ActorSystem, SystemEvent } from "../mod.ts";

type EventOf<T extends SystemEvent["type"]> = Extract<SystemEvent, { type: T }>;

/**
 * Resolves with the next event of `type` matching `where`, published after the call;
 * rejects after `timeoutMs` (a generous bound, not a synchronisation sleep).
 */
export function nextEvent<T extends SystemEvent["type"]>(
  system: ActorSystem,
  type: T,
  where: (event: EventOf<T>) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<EventOf<T>> {
  const { promise, resolve, reject } = Promise.withResolvers<EventOf<T>>();
  const timer = setTimeout(() => reject(new Error(`No '${type}' event within ${timeoutMs} ms`)), timeoutMs);
  const off = system.events.subscribe((event) => {
    if (event.type === type && where(event as EventOf<T>)) resolve(event as EventOf<T>);
  });
  return promise.finally(() => {
    clearTimeout(timer);
    off();
  });
}

/** Records every event from now on. */
export function record(system: ActorSystem): SystemEvent[] {
  const events: SystemEvent[] = [];
  system.events.subscribe((event) => events.push(event));
  return events;
}
