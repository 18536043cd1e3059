/**
 * The OS layer's internal entry point, for the other layers of this package (`cli/`):
 * the schema pieces the `supervise` config shares with `osProcess`, runtime detection,
 * the /proc reader. Not part of the
 * public API; it may change in any release.
 *
 * @module
 */
export { livenessJsonKinds, probeAlternatives, probeCheck, probeSchema } from "./probes.ts";
export { processJsonEntries } from "./process_spec.ts";
export { logFileProblem } from "./_rotating_file.ts";
export { runtimeInfo } from "./_runtime.ts";
export { procEntry } from "./_proc.ts";
