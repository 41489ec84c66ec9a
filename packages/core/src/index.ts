/**
 * Switchboard's server model: `WebServer`, `Channel`, HTTP routing, limits and policies, and the
 * `Backend` seam an engine binding implements. No runtime dependencies and no engine.
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
export type {
  Backend,
  BodySink,
  BoundAddress,
  EngineHost,
  EngineLimits,
  EngineSocket,
  FramePart,
  HttpExchange,
  ListenAddress,
  SocketEvents,
  TlsOptions,
  UpgradeRequest,
  UpgradeResponder,
} from "./backend.js";
export { copyBytes, releaseCopy } from "./bytes.js";
export { Channel, type SendData } from "./channel.js";
export { checkClose, isSendableCloseCode } from "./close.js";
export { type CorsOptions, cors } from "./cors.js";
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
export { isUpgradeRequest } from "./handshake.js";
export { HttpRequest, HttpResponse } from "./http.js";
export { contentTypeFor } from "./mime.js";
export { CloseCode, Opcode } from "./opcode.js";
export { DEFAULT_LIMITS, type ServerLimits } from "./options.js";
export { BROADCAST_TOPIC, type PubSubAdapter } from "./pubsub.js";
export { type ByteRange, parseRange } from "./range.js";
export { HTTP_METHODS, type HttpMethod } from "./router.js";
export type { HttpErrorHandler, Middleware, RouteHandler, RouteResult } from "./routing.js";
export {
  type ErrorContext,
  type ListenOptions,
  type ServerStats,
  WebServer,
  type WebServerHooks,
  type WebServerOptions,
} from "./server.js";
export { formatEvent, type SseMessage, type SseOptions, SseStream } from "./sse.js";
export { type StaticOptions, serveStatic } from "./static.js";
export { reasonPhrase } from "./status.js";
