import process from "node:process";

/** The JavaScript runtime we run on and its version, e.g. `{ name: "bun", version: "1.4.5" }`. */
export function runtimeInfo(): { name: "deno" | "bun" | "node"; version: string } {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno !== undefined) return { name: "deno", version: g.Deno.version.deno };
  if (g.Bun !== undefined) return { name: "bun", version: g.Bun.version };
  return { name: "node", version: process.versions.node };
}

/** Arguments for `process.execPath` that run `program` (ES module source text) on this runtime. */
export function evalArgs(program: string): string[] {
  const { name } = runtimeInfo();
  if (name === "deno") return ["eval", program];
  if (name === "bun") return ["-e", program];
  return ["--input-type=module", "-e", program];
}
