/**
 * The client suite's vitest globalSetup (`clientServers`), which runs the servers it connects to.
 * Node only.
 *
 * @module @switchboard/conformance/client-servers
 */

export type { ClientBackend, UnavailableBackend } from "./client/control-server.js";
export { clientServers, type ProvidingProject } from "./client/global-setup.js";
export { ProbeServer } from "./client/probe-server.js";
export type { Skip } from "./support/runner.js";
