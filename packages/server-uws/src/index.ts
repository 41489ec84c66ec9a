/**
 * The Switchboard backend on uWebSockets.js: `uwsBackend()`.
 *
 * @module @switchboard/server-uws
 */

export { type UwsBackendOptions, uwsBackend } from "./backend.js";
export type { UwsEngine } from "./engine.js";
