export { type WsBackendOptions, wsBackend } from "./backend.js";
