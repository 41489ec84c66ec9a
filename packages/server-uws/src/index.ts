/**
 * The Switchboard backend on uWebSockets.js: `uwsBackend()` on an app of its own, or
 * `uwsBackend({ app })` on the application's app.
 *
 * @module @switchboard/server-uws
 */

export type { UwsApp, UwsAppOptions, UwsAppRequest } from "./app.js";
export { type UwsBackendOptions, uwsBackend } from "./backend.js";
export type { UwsEngine } from "./engine.js";
