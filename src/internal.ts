/**
 * The runtime's internal entry point, for the other layers of this package (`osl/`,
 * `cli/`, `cluster/`): the control interface behind refs and the shared schema
 * pieces. Not part of the public API; it may change in any release.
 *
 * @module
 */
export { CONTROL, type Control, controlOf } from "./_control.ts";
export { ActorCell } from "./_cell.ts";
export { after, timeoutSignal } from "./_deadline.ts";
export {
  boolean,
  durationMs,
  fieldRule,
  nonEmpty,
  numberAtLeast,
  oneOf,
  parseSpec,
  positive,
  positiveInteger,
  refusal,
  type Schema,
  show,
  specError,
  typed,
  waitMs,
} from "./_schema.ts";
export { restartSchema, shutdownSchema } from "./child_spec.ts";
export { livenessTimingEntries } from "./liveness.ts";
export { supervisorFlagEntries } from "./supervisor_spec.ts";
