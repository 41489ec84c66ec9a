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
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  /** Reported to `onWsClose` when the peer vanished without a close frame; never sent. */
  ABNORMAL: 1006,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  TRY_AGAIN_LATER: 1013,
} as const;
