export { type UwsBackendOptions, uwsBackend } from "./backend.js";
