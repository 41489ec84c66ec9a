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
export { WebSocketClient } from "./client.js";
