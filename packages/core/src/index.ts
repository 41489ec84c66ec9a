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
  UpgradeRequest,
  UpgradeResponder,
} from "./backend.js";
export { Channel, type SendData } from "./channel.js";
export { checkClose, isSendableCloseCode } from "./close.js";
export { HttpError, SwitchboardError, type SwitchboardErrorCode } from "./errors.js";
export { HttpRequest, HttpResponse } from "./http.js";
export { CloseCode, Opcode } from "./opcode.js";
export { DEFAULT_LIMITS, type ServerLimits } from "./options.js";
export { HTTP_METHODS, type HttpMethod } from "./router.js";
export type { RouteHandler, RouteResult } from "./routing.js";
export {
  type BroadcastOptions,
  type ErrorContext,
  type ListenOptions,
  WebServer,
  type WebServerHooks,
  type WebServerOptions,
} from "./server.js";
