/**
 * The Switchboard backend on Bun's own server, `Bun.serve`: `bunBackend()`. Runs under Bun only.
 *
 * @module @switchboard/server-bun
 */

export { type BunBackendOptions, bunBackend } from "./backend.js";
