/**
 * The client conformance suite (`clientConformance`). Browser-safe: no Node modules.
 *
 * @module @switchboard/conformance/client
 */

export type { ProbeState, RemoteServer, ServerApp, SinkTally } from "./client/control.js";
export { clientConformance } from "./client/suite.js";
export type {
  ClientConformanceOptions,
  ClientServersInfo,
  ConformanceClient,
  ConformanceClientOptions,
  ConformanceCloseInfo,
  ConformanceEventOptions,
  ConformanceEvents,
  ConformanceMessage,
  ConformanceReconnect,
  ConformanceSchema,
  SuiteEvents,
} from "./client/types.js";
export { patternBytes } from "./support/bytes.js";
