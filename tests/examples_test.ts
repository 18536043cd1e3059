import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runScript } from "./_helpers.ts";

test("the README's library example runs: the actor answers and the killed process is restarted", () => {
  const [cmd, ...args] = runScript(fileURLToPath(new URL("../examples/actor_and_process.ts", import.meta.url)), []);
  const out = execFileSync(cmd, args, { encoding: "utf8", timeout: 30_000 });
  assert.match(out, /^count = 1$/m);
  assert.match(out, /^restarted sleeper: pid (\d+) -> (?!\1)\d+$/m);
});
