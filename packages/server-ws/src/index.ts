/**
 * The Switchboard backend on node:http and ws 8 (with native bufferutil): `wsBackend()`.
 *
 * @module @switchboard/server-ws
 */

export { type WsBackendOptions, wsBackend } from "./backend.js";
