export { serverConformance } from "./suite.js";
export type { Running, ServerConformanceOptions, SuiteContext } from "./support/context.js";
export { ChatServer } from "./support/chat-server.js";
export { type Closed, type Received, TestClient, eventually, sleep } from "./support/client.js";
export { bodyOf, type RawOutcome, rawExchange, rawRequest, statusOf, upgradeRequest } from "./support/raw.js";
export { EchoServer, patternBytes } from "./support/servers.js";
