/**
 * The Switchboard backend on node:http and ws 8 (with native bufferutil): `wsBackend()` on a
 * port of its own, or `wsBackend({ server })` on the application's server.
 *
 * @module @switchboard/server-ws
 */

export type { AttachedWsBackend, WsAttachOptions } from "./attach.js";
export { type WsBackendOptions, wsBackend } from "./backend.js";
