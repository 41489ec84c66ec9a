/** WebSocket message opcodes, as in dasHV's `ws_opcode`. */
export const Opcode = {
  /** A UTF-8 text message. */
  TEXT: 1,
  /** A binary message. */
  BINARY: 2,
} as const;

/** `Opcode.TEXT` or `Opcode.BINARY`. */
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Close codes the server uses (RFC 6455 section 7.4.1). */
export const CloseCode = {
  /** The purpose of the connection is fulfilled. The default of `close()`. */
  NORMAL: 1000,
  /** The endpoint is going away: the server shuts down, or the channel was idle too long. */
  GOING_AWAY: 1001,
  /** The peer broke the WebSocket protocol. */
  PROTOCOL_ERROR: 1002,
  /** The endpoint got a kind of data it cannot accept. */
  UNSUPPORTED_DATA: 1003,
  /** Reported to `onWsClose` when the peer vanished without a close frame; never sent. */
  ABNORMAL: 1006,
  /** A TEXT message that is not valid UTF-8. */
  INVALID_PAYLOAD: 1007,
  /** A policy was broken: the send buffer overflowed, or the message rate was exceeded. */
  POLICY_VIOLATION: 1008,
  /** A message over `maxMessageBytes`. */
  MESSAGE_TOO_BIG: 1009,
  /** The server failed, e.g. `onWsOpen` threw. */
  INTERNAL_ERROR: 1011,
  /** The server is overloaded; the client may retry later. */
  TRY_AGAIN_LATER: 1013,
} as const;
