/**
 * The server conformance suite every backend runs (`serverConformance`), and its test helpers.
 *
 * @module @switchboard/conformance
 */

export { serverConformance } from "./suite.js";
export { ChatServer } from "./support/chat-server.js";
export { type Closed, eventually, type Received, sleep, TestClient } from "./support/client.js";
export type { Running, ServerConformanceOptions, SuiteContext } from "./support/context.js";
export { CutProxy } from "./support/cut-proxy.js";
export {
  bodyOf,
  type RawOutcome,
  rawExchange,
  rawRequest,
  statusOf,
  upgradeRequest,
} from "./support/raw.js";
export type { Skip } from "./support/runner.js";
export { EchoServer, patternBytes } from "./support/servers.js";
