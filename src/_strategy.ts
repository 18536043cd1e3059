import type { Strategy } from "./supervisor_spec.ts";

/**
 * The children a strategy restarts when `failed` exits, in start order: that one
 * (`one_for_one`, `simple_one_for_one`), all of them (`one_for_all`), or it and those
 * started after it (`rest_for_one`).
 */
export function restartGroup<C>(strategy: Strategy, children: readonly C[], failed: C): C[] {
  if (strategy === "one_for_all") return [...children];
  if (strategy === "rest_for_one") return children.slice(children.indexOf(failed));
  return [failed];
}
