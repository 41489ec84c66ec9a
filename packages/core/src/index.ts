/**
 * Switchboard's server model, for applications: `WebServer`, `Channel`, HTTP routing and
 * responses, limits and errors. No runtime dependencies and no engine: pick one with
 * `wsBackend()` (`@switchboard/server-ws`), `uwsBackend()` (`@switchboard/server-uws`) or
 * `bunBackend()` (`@switchboard/server-bun`). Engine bindings use `@switchboard/core/backend`,
 * pub/sub adapters `@switchboard/core/pubsub`.
 *
 * @module @switchboard/core
 */

export {
  type EmitArgs,
  type Envelope,
  type EventCodec,
  EventError,
  type EventErrorCode,
  type EventOptions,
  type EventSchemaMap,
  type EventSchemas,
  type EventSpec,
  type Frame,
  jsonCodec,
  type MessageId,
  type PayloadIssue,
  type PayloadOf,
  type RequestArgs,
  type RequestOptions,
  type RequestSchemaMap,
  type ResponseOf,
  type StandardSchemaV1,
  type WireError,
} from "@switchboard/protocol";
export { type AcceptOptions, Admission, type WsUpgradeRequest } from "./admission.js";
export { Channel, type SendData } from "./channel.js";
export { type CorsOptions, cors } from "./cors.js";
export type { PerMessageDeflateOptions } from "./deflate.js";
export { HttpError, SwitchboardError, type SwitchboardErrorCode } from "./errors.js";
export { EventChannel } from "./events/event-channel.js";
export {
  EVENTS_TOPIC,
  type EventBroadcastOptions,
  EventHub,
  type EventHubOptions,
  type EventHubStats,
} from "./events/hub.js";
export type { BroadcastOptions } from "./fanout.js";
export { HttpRequest, HttpResponse } from "./http.js";
export { CloseCode, Opcode } from "./opcode.js";
export { DEFAULT_LIMITS, type ServerLimits } from "./options.js";
export { DEFAULT_RECOVERY, RECOVERED_ELSEWHERE, type RecoveryOptions } from "./recovery/index.js";
export type { HttpMethod } from "./router.js";
export type { HttpErrorHandler, Middleware, RouteHandler, RouteResult } from "./routing.js";
export type { Backend, BoundAddress, TlsOptions } from "./seam.js";
export {
  type ErrorContext,
  type ListenOptions,
  type ServerStats,
  WebServer,
  type WebServerHooks,
  type WebServerOptions,
} from "./server.js";
export { type SseMessage, type SseOptions, SseStream } from "./sse.js";
export { type StaticOptions, serveStatic } from "./static.js";
