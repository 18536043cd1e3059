import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// The layout's rules, checked on the source: no import cycle anywhere, and each layer
// reaches the others only through their public or explicitly internal entry points.

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const LAYERS = ["src", "osl", "metrics", "cli", "cluster"];

function sources(): string[] {
  const files = ["mod.ts"];
  for (const layer of LAYERS) {
    const dir = join(ROOT, layer);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (name.endsWith(".ts")) files.push(`${layer}/${name}`);
  }
  return files;
}

/** The relative modules a file imports (type-only imports included), as root-relative paths. */
function importsOf(file: string): string[] {
  const source = readFileSync(join(ROOT, file), "utf8");
  const found: string[] = [];
  for (const match of source.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    found.push(relative(ROOT, resolve(dirname(join(ROOT, file)), match[1])));
  }
  return found;
}

const graph = new Map(sources().map((file) => [file, importsOf(file)]));

test("every relative import names an existing .ts module", () => {
  for (const [file, imports] of graph) {
    for (const target of imports) {
      if (target.endsWith(".json")) continue;
      assert.ok(target.endsWith(".ts") && existsSync(join(ROOT, target)), `${file} imports ${target}`);
    }
  }
});

test("there is no import cycle between modules (type-only imports included)", () => {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "visiting") {
      assert.fail(`import cycle: ${[...stack.slice(stack.indexOf(file)), file].join(" -> ")}`);
    }
    state.set(file, "visiting");
    stack.push(file);
    for (const target of graph.get(file) ?? []) visit(target);
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file);
});

test("src/ imports nothing from osl/, metrics/, cli/ or cluster/ (the runtime has no OS access)", () => {
  for (const [file, imports] of graph) {
    if (!file.startsWith("src/")) continue;
    for (const target of imports) assert.ok(target.startsWith("src/"), `${file} imports ${target}`);
  }
});

test("other layers reach a layer only through its mod.ts or internal.ts", () => {
  for (const [file, imports] of graph) {
    const layer = file.split("/")[0];
    for (const target of imports) {
      const [targetLayer, name] = target.includes("/") ? target.split("/") : ["", target];
      if (targetLayer === layer || target === "mod.ts" || target.endsWith(".json")) continue;
      if (file === "mod.ts") continue; // the public entry re-exports from its own layers
      assert.ok(name === "mod.ts" || name === "internal.ts", `${file} imports ${target}`);
    }
  }
});

test("each source file holds one concept: under 400 lines", () => {
  for (const file of graph.keys()) {
    const lines = readFileSync(join(ROOT, file), "utf8").split("\n").length;
    assert.ok(lines <= 400, `${file} has ${lines} lines`);
  }
});
