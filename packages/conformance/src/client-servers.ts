// Node-only entry: the globalSetup that runs the servers the client suite connects to.

export type { ClientBackend } from "./client/control-server.js";
export { clientServers, type ProvidingProject } from "./client/global-setup.js";
export { ProbeServer } from "./client/probe-server.js";
