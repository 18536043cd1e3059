import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const json = (path: string) => JSON.parse(readFileSync(root(path), "utf8"));

test("deno.json and package.json export the same entry points: the sources on JSR, their build on npm", () => {
  const deno = json("deno.json").exports as Record<string, string>;
  const npm = json("package.json").exports as Record<string, { types: string; default: string }>;
  assert.deepEqual(Object.keys(npm), Object.keys(deno));
  assert.deepEqual(Object.keys(deno), [".", "./osl", "./metrics", "./cluster"]);
  for (const [entry, file] of Object.entries(deno)) {
    assert.ok(existsSync(root(file)), `${file} exists`);
    const built = file.replace(/^\.\//, "./dist/").replace(/\.ts$/, "");
    assert.deepEqual(npm[entry], { types: `${built}.d.ts`, default: `${built}.js` }, entry);
  }
});

test("one version number: package.json, deno.json and supervise --version", async () => {
  const version = json("package.json").version;
  assert.match(version, /^0\.\d+\.\d+$/, "semver 0.x");
  assert.equal(json("deno.json").version, version);
  const { main } = await import("../cli/main.ts");
  let out = "";
  assert.equal(
    await main(["--version"], { stdout: { write: (t: string) => (out += t) }, stderr: { write: () => {} } }),
    0,
  );
  assert.equal(out.trim(), version);
  assert.match(readFileSync(root("CHANGELOG.md"), "utf8"), new RegExp(`## \\[${version.replaceAll(".", "\\.")}\\]`));
});

test("mod.ts files hold a @module doc and re-exports only", () => {
  for (const file of ["mod.ts", "osl/mod.ts", "metrics/mod.ts", "cluster/mod.ts"]) {
    const source = readFileSync(root(file), "utf8");
    assert.match(source, /@module/, `${file} has a @module doc`);
    const code = source.replace(/\/\*\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    for (const statement of code.split(";").map((s) => s.trim()).filter(Boolean)) {
      assert.match(
        statement,
        /^export (type )?(\{[^}]*\}|\*) from "\.\/[\w/]+\.ts"$/,
        `${file}: "${statement}" is a re-export`,
      );
    }
  }
});

test("no private module (_name.ts) is re-exported", () => {
  for (const file of ["mod.ts", "osl/mod.ts", "metrics/mod.ts", "cluster/mod.ts"]) {
    assert.doesNotMatch(readFileSync(root(file), "utf8"), /from "[^"]*\/_\w+\.ts"/, file);
  }
});

test("every public name the design contract lists is exported", async () => {
  const mod = await import("../mod.ts");
  const osl = await import("../osl/mod.ts");
  for (const name of ["ActorSystem", "supervisor", "AskTimeoutError", "ActorStoppedError"]) {
    assert.ok(name in mod, name);
  }
  assert.ok("osProcess" in osl);
});
