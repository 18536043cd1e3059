// The package as a user gets it: `npm pack`, installed from the tarball into a fresh
// project, type-checked with `tsc --strict` (no skipLibCheck), then the README's library
// example and `supervise --duration` on the embedded demo run on Node 22, Node 24, Bun and
// Deno (the npm package, through node_modules), and nothing they started is left running.
// Run once by `npm test` (`deno test -A tests/release/consumer.ts`), not by every runtime.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { processesWith, until } from "../_helpers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");
const RUNTIMES: Record<string, (script: string, args: string[]) => string[]> = {
  node22: (script, args) => [join(ROOT, "node_modules/node22/bin/node"), script, ...args],
  node24: (script, args) => [join(ROOT, "node_modules/node24/bin/node"), script, ...args],
  bun: (script, args) => [join(BIN, "bun"), script, ...args],
  deno: (script, args) => [join(BIN, "deno"), "run", "-A", script, ...args],
};

function run(argv: string[], cwd: string, timeoutMs = 120_000): string {
  return execFileSync(argv[0], argv.slice(1), {
    cwd,
    encoding: "utf8",
    timeout: timeoutMs,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The README's library example, as a consumer writes it. */
const EXAMPLE = `import process from "node:process";
import { ActorSystem, type Behavior, supervisor } from "@airssys/rt";
import { osProcess } from "@airssys/rt/osl";
import { metrics } from "@airssys/rt/metrics";
import { joinCluster } from "@airssys/rt/cluster";

const counter: Behavior<number, "inc" | "get"> = {
  init: () => 0,
  receive: (n, msg, ctx) => (msg === "get" ? (ctx.reply(n), n) : n + 1),
};

await using system = new ActorSystem();
const registry = metrics(system);
const sup = system.spawn(supervisor({
  strategy: "one_for_one",
  intensity: 3,
  period: 5_000,
  children: [
    { id: "counter", start: counter },
    { id: "sleeper", start: osProcess({ command: "sleep", args: ["30.4242"] }), shutdown: 2_000 },
  ],
}));
const [counterChild, sleeperChild] = await sup.whichChildren();
counterChild.ref!.send("inc");
console.log("count =", await counterChild.ref!.ask("get"));
process.kill(sleeperChild.pid!, "SIGKILL");
for await (const event of system.events) {
  if (event.type === "child_restarted") {
    console.log(\`restarted \${event.childId}: pid \${sleeperChild.pid} -> \${event.pid}\`);
    break;
  }
}
console.log((await registry.metrics()).match(/^airssys_child_restarts_total.*sleeper.*$/m)?.[0]);
// The cluster entry point loads (nats.js, cbor-x); joining needs a nats-server: tests/cluster_test.ts.
await joinCluster(system, { servers: "nats://127.0.0.1:1", cluster: "c", node: "n" }).catch((e) => console.log(e.message));
`;

test("the npm package installs from its tarball, type-checks strictly and runs on Node 22, Node 24, Bun and Deno", {
  timeout: 600_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "airssys-consumer-"));
  try {
    run(["npm", "pack", "--pack-destination", dir, "--silent"], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
    const listed = run(["tar", "-tzf", join(dir, tarball)], dir).split("\n");
    assert.ok(
      listed.includes("package/dist/mod.js") && listed.includes("package/dist/mod.d.ts"),
      "built JS and declarations",
    );
    assert.ok(listed.includes("package/dist/cli/bin.js"), "the supervise executable");
    assert.ok(
      !listed.some((f) => /\/(tests|bench)\/|\.ts$|package-lock/.test(f) && !f.endsWith(".d.ts")),
      "only what users need",
    );

    const app = join(dir, "app");
    run(["mkdir", "-p", app], dir);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    run([
      "npm",
      "install",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--silent",
      join(dir, tarball),
      "@types/node@^26",
    ], app);
    writeFileSync(join(app, "app.ts"), EXAMPLE);
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "es2022",
          lib: ["es2022", "esnext.disposable", "dom"], // AsyncDisposable: ActorSystem is one (`await using`)
          module: "nodenext",
          strict: true,
          skipLibCheck: false,
          outDir: ".",
          types: ["node"],
        },
        files: ["app.ts"],
      }),
    );
    // The strict type-check of the consumer, and its JavaScript (Node 22 has no `await using`).
    run([join(BIN, "tsc"), "-p", "tsconfig.json"], app);

    for (const [name, argv] of Object.entries(RUNTIMES)) {
      const out = run(argv("app.js", []), app);
      assert.match(out, /^count = 1$/m, `${name}: the actor answers`);
      assert.match(out, /^restarted sleeper: pid (\d+) -> (?!\1)\d+$/m, `${name}: the killed process is restarted`);
      assert.match(out, /^airssys_child_restarts_total\{child="<\d+>\/sleeper"\} 1$/m, `${name}: metrics count it`);
      assert.match(
        out,
        /^Cannot connect to NATS at nats:\/\/127\.0\.0\.1:1: /m,
        `${name}: the cluster entry point loads`,
      );
      const bin = join(app, "node_modules/@airssys/rt/dist/cli/bin.js");
      const lines = run(argv(bin, ["--json", "--duration", "3"]), app).trim().split("\n").map((l) => JSON.parse(l));
      const started = lines.filter((e) => e.type === "child_started").map((e) => e.path);
      assert.ok(started.includes("demo/web") && started.includes("demo/pair/consumer"), `${name}: ${started}`);
      await until(
        () => ["web.mjs", "worker.mjs", "leaker.mjs", "sleep 30.4242"].every((m) => processesWith(m).length === 0),
        `${name}: nothing left`,
      );
    }
    const help = run([join(app, "node_modules/.bin/supervise"), "--version"], app);
    assert.match(help.trim(), /^0\.\d+\.\d+$/, "the supervise bin is installed and runs");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
