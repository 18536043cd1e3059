#!/usr/bin/env node
/**
 * The `supervise` executable: runs a supervisor tree of OS processes described in JSON,
 * in this process (nothing between the shell and the runtime), on Node, Deno or Bun.
 *
 * ```sh
 * supervise [config.json] [--json] [--logs] [--duration <seconds>]
 * deno run -A cli/bin.ts ...   bun cli/bin.ts ...   node cli/bin.ts ...
 * ```
 *
 * @module
 */
import process from "node:process";
import { main } from "./main.ts";

process.exit(await main(process.argv.slice(2)));
