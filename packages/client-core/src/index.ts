export {
  type EmitArgs,
  type EventCodec,
  EventError,
  type EventErrorCode,
  type EventOptions,
  type EventSchemas,
  type EventSpec,
  jsonCodec,
  type PayloadIssue,
  type RequestOptions,
  type StandardSchemaV1,
} from "@switchboard/protocol";
export { reconnectDelay } from "./backoff.js";
export {
  type ClientState,
  type NextMessageOptions,
  type UrlSource,
  WebSocketClientBase,
} from "./client.js";
export { attemptError, ClientError, type ClientErrorCode } from "./errors.js";
export { EventClient, type EventClientOptions, INVALID_CLOSE_CODE } from "./events.js";
export type { Message } from "./message.js";
export { Opcode } from "./opcode.js";
export {
  type ClientHooks,
  type ClientOptions,
  DEFAULT_RECONNECT,
  type ReconnectOptions,
  type ReconnectPolicy,
} from "./options.js";
export { type CloseInfo, defaultShouldReconnect } from "./policy.js";
export { type ClientRecovery, recovery } from "./recovery.js";
export type {
  Transport,
  TransportClose,
  TransportEvents,
  TransportOptions,
} from "./transport.js";
