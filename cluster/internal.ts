/**
 * The cluster layer's entry point for the other layers (`supervise`'s config); not public.
 *
 * @module
 */
export { clusterConfigSchema } from "./options.ts";
