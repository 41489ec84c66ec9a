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
export { Channel, type SendData } from "./channel.js";
export { checkClose, isSendableCloseCode } from "./close.js";
export { isUpgradeRequest } from "./handshake.js";
export { reasonPhrase } from "./status.js";
export { HttpError, SwitchboardError, type SwitchboardErrorCode } from "./errors.js";
export { HttpRequest, HttpResponse } from "./http.js";
export { CloseCode, Opcode } from "./opcode.js";
export { DEFAULT_LIMITS, type ServerLimits } from "./options.js";
export type { RouteHandler, RouteResult } from "./routing.js";
export { HTTP_METHODS, type HttpMethod } from "./router.js";
export type { BroadcastOptions } from "./fanout.js";
export { BROADCAST_TOPIC, type PubSubAdapter } from "./pubsub.js";
export {
  type ErrorContext,
  type ListenOptions,
  type ServerStats,
  WebServer,
  type WebServerHooks,
  type WebServerOptions,
} from "./server.js";
