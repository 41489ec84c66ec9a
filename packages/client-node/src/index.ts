/**
 * The Switchboard WebSocket client for Node, on ws: awaitable messages, reconnect with backoff, a
 * bounded send queue.
 *
 * @module @switchboard/client-node
 */

export {
  ClientError,
  type ClientErrorCode,
  type ClientHooks,
  type ClientOptions,
  type ClientState,
  type CloseInfo,
  DEFAULT_RECONNECT,
  defaultShouldReconnect,
  type Message,
  type NextMessageOptions,
  Opcode,
  type ReconnectOptions,
  type UrlSource,
  WebSocketClientBase,
} from "@switchboard/client-core";
export { type NodeClientOptions, WebSocketClient } from "./client.js";
