import { type ActorRef, ActorStoppedError, AskTimeoutError, type ExitReason } from "../mod.ts";
import { decode, encode, encodeAtMost, type RefTable } from "./_codec.ts";
import type { Respond } from "./transport.ts";

/** A request on a node's request subject: an ask of one of its actors, or a stop. */
type Request = ["ask", id: string, message: unknown, timeoutMs: number] | ["stop", id: string, reason: ExitReason];

/**
 * Answers an `ask` (`[true, value]`, or `[false, "stopped", reason]`, `[false,
 * "timeout"]`, `[false, "error", error]`) or a `stop` (`[true]` once the actor is gone)
 * for the actors `exports` holds. An actor this node does not know is `noproc`.
 */
export async function serveRequest(
  data: Uint8Array,
  respond: Respond,
  table: RefTable,
  exports: Map<string, ActorRef<unknown>>,
  maxBytes: number,
): Promise<void> {
  let request: Request;
  try {
    request = decode(table, data) as Request;
  } catch {
    return; // not a request of ours
  }
  if (!Array.isArray(request) || typeof request[1] !== "string") return; // not ours either
  const reply = (answer: unknown) => {
    let bytes: Uint8Array;
    try {
      bytes = encodeAtMost(table, answer, maxBytes);
    } catch (error) {
      bytes = encode(table, [false, "error", new TypeError((error as Error).message)]);
    }
    respond(bytes);
  };
  const target = exports.get(request[1]);
  if (request[0] === "stop") {
    await target?.stop(request[2]).catch(() => {});
    return reply([true]);
  }
  if (target === undefined) return reply([false, "stopped", "noproc"]);
  const [, , message, timeoutMs] = request;
  try {
    reply([true, await target.ask(message, { timeoutMs: timeoutMs === -1 ? "infinity" : timeoutMs })]);
  } catch (error) {
    if (error instanceof AskTimeoutError) reply([false, "timeout"]);
    else if (error instanceof ActorStoppedError) reply([false, "stopped", error.reason]);
    else reply([false, "error", error]);
  }
}
