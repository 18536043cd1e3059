import type { SupervisorRef } from "../mod.ts";
import { childSpecOf, type ConfigNode, flagsOf, type SupervisorNode } from "./config.ts";
import type { Tree } from "./_tree.ts";

/** What a reload did, one line per change (`added demo/cache`), and what failed. */
export interface ReloadReport {
  changes: string[];
  errors: string[];
}

/** A node without its children: what decides whether the node itself changed. */
function own(node: ConfigNode): string {
  const { children: _, strategy: _s, intensity: _i, period: _p, ...rest } = node as SupervisorNode;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

function same(a: ConfigNode, b: ConfigNode): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Applies a new, validated config to the running tree as a diff, as OTP's code change
 * updates a supervisor: flags (strategy, intensity, period) changed in place; removed
 * children stopped and forgotten; changed children restarted with their new spec at their
 * place; added children started in order (after the existing ones); unchanged children
 * untouched (same pids). A supervisor whose own fields are unchanged is updated
 * recursively, one whose `restart` or `shutdown` changed is restarted whole.
 */
export async function applyReload(
  tree: Tree,
  from: SupervisorNode,
  to: SupervisorNode,
  baseDir: string,
): Promise<ReloadReport> {
  const report: ReloadReport = { changes: [], errors: [] };
  await update(await tree.supervisorAt(tree.rootId), tree.rootId, from, to, baseDir, report);
  return report;
}

async function update(
  sup: SupervisorRef,
  path: string,
  from: SupervisorNode,
  to: SupervisorNode,
  baseDir: string,
  report: ReloadReport,
): Promise<void> {
  const step = async (change: string, run: () => Promise<unknown>) => {
    try {
      await run();
      report.changes.push(change);
    } catch (error) {
      report.errors.push(`${change}: ${(error as Error).message}`);
    }
  };
  if (JSON.stringify(flagsOf(from)) !== JSON.stringify(flagsOf(to))) {
    await step(`changed ${path}: ${JSON.stringify(flagsOf(to))}`, () => sup.setFlags(flagsOf(to)));
  }
  const before = new Map(from.children.map((c) => [c.id, c]));
  const after = new Map(to.children.map((c) => [c.id, c]));
  for (const [id] of [...before].reverse()) {
    if (after.has(id)) continue;
    await step(`removed ${path}/${id}`, async () => {
      await sup.terminateChild(id);
      await sup.deleteChild(id);
    });
  }
  for (const [id, node] of after) {
    const old = before.get(id);
    const at = `${path}/${id}`;
    if (old === undefined) await step(`added ${at}`, () => sup.startChild(childSpecOf(node, baseDir)));
    else if (same(old, node)) continue;
    else if ("children" in old && "children" in node && own(old) === own(node)) {
      const child = (await sup.whichChildren()).find((c) => c.id === id);
      if (child?.ref === undefined) report.errors.push(`${at}: not running, not updated`);
      else await update(child.ref as SupervisorRef, at, old, node, baseDir, report);
    } else await step(`changed ${at} (restarted)`, () => sup.replaceChild(childSpecOf(node, baseDir)));
  }
}
