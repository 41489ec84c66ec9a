// Browser-safe entry: no Node modules, so the same suite runs in Node and in a real browser.

export type { ProbeState, RemoteServer, ServerApp } from "./client/control.js";
export { clientConformance } from "./client/suite.js";
export type {
  ClientConformanceOptions,
  ClientServersInfo,
  ConformanceClient,
  ConformanceClientOptions,
  ConformanceMessage,
  ConformanceReconnect,
} from "./client/types.js";
export { patternBytes } from "./support/bytes.js";
