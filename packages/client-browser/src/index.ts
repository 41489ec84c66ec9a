/**
 * The Switchboard WebSocket client for browsers, on the native WebSocket, with no dependencies.
 *
 * @module @switchboard/client-browser
 */

export {
  ClientError,
  type ClientErrorCode,
  type ClientHooks,
  type ClientOptions,
  type ClientRecovery,
  type ClientState,
  type CloseInfo,
  DEFAULT_RECONNECT,
  defaultShouldReconnect,
  type EmitArgs,
  EventClient,
  type EventClientOptions,
  type EventCodec,
  EventError,
  type EventErrorCode,
  type EventOptions,
  type EventSchemas,
  type EventSpec,
  INVALID_CLOSE_CODE,
  jsonCodec,
  type Message,
  type NextMessageOptions,
  Opcode,
  type PayloadIssue,
  type ReconnectOptions,
  type RequestOptions,
  recovery,
  type StandardSchemaV1,
  type Transport,
  type TransportEvents,
  type TransportOptions,
  type UrlSource,
  WebSocketClientBase,
} from "@switchboard/client-core";
export { WebSocketClient } from "./client.js";
