/** WebSocket message opcodes; the same values as the server's `Opcode` and dasHV's `ws_opcode`. */
export const Opcode = {
  /** A UTF-8 text message. */
  TEXT: 1,
  /** A binary message. */
  BINARY: 2,
} as const;

/** `Opcode.TEXT` or `Opcode.BINARY`. */
export type Opcode = (typeof Opcode)[keyof typeof Opcode];
