/**
 * The typed-events protocol, shared by the server (compiled into `@switchboard/core`) and the
 * clients (compiled into `@switchboard/client-core`). See docs/protocol.md for the wire format.
 */

export {
  type Envelope,
  type EventCodec,
  type Frame,
  isEnvelope,
  type MessageId,
  strictCodec,
} from "./envelope.js";
export {
  EventError,
  type EventErrorCode,
  type EventErrorDetails,
  type PayloadIssue,
  toWire,
  type WireError,
} from "./errors.js";
export { jsonCodec } from "./json-codec.js";
export {
  checkEventOptions,
  type EventOptions,
  type PeerConfig,
  peerConfig,
  protocolName,
} from "./options.js";
export { createPeer, type EventPeer, type PeerHost } from "./peer.js";
export {
  ACK_DELAY_MS,
  ACK_EVERY,
  AckCounter,
  CONTROL_MARK,
  type Control,
  encodeControl,
  escapeText,
  innerProtocol,
  type Kept,
  RECOVERY_PROTOCOL,
  ResendBuffer,
  readAck,
  readText,
  recoveryOffer,
} from "./recovery.js";
export type {
  EmitArgs,
  EventSchemaMap,
  EventSchemas,
  EventSpec,
  NameOf,
  Part,
  PayloadOf,
  RequestArgs,
  RequestOptions,
  RequestSchemaMap,
  ResponseOf,
} from "./spec.js";
export type { StandardSchemaV1 } from "./standard-schema.js";
export { later, MAX_DELAY_MS } from "./timers.js";
export { utf8Decoder, utf8Encoder } from "./utf8.js";
