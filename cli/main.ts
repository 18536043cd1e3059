/**
 * The `supervise` command's arguments and dispatch (`cli/bin.ts` runs it).
 *
 * @module
 */
import process from "node:process";
import type { CliIo } from "./_run.ts";

export type { CliIo };

/**
 * Runs `supervise` with command-line `args` (see `supervise --help`); resolves with the
 * exit code once the tree has stopped, or once a `ctl` command has its reply. `ctl` loads
 * only the client, so an operator's command starts in the time the runtime takes.
 */
export async function main(args: string[], io: CliIo = process): Promise<number> {
  if (args[0] === "ctl") {
    const { ctl, CTL_USAGE } = await import("./_ctl.ts");
    if (args[1] === "--help" || args[1] === "-h") return (io.stdout.write(`${CTL_USAGE}\n`), 0);
    return await ctl(args.slice(1), io, process.env);
  }
  const { supervise } = await import("./_supervise.ts");
  return await supervise(args, io);
}
