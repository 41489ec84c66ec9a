import { CloseCode } from "./opcode.js";

// What a peer may make the server hold while a message is still arriving, the same on every
// engine: its bytes (at most `maxMessageBytes`, counted over every fragment so far), its
// fragments, and the pongs it is owed.

/**
 * The smallest average fragment a message may use and still reach `maxMessageBytes`. An engine
 * that keeps each fragment as an object of its own (ws: about 100 bytes each) holds at most
 * `maxMessageBytes / MIN_AVERAGE_FRAGMENT_BYTES` of them, so tiny fragments cannot multiply the
 * memory a message costs. 64 bytes is the smallest fragment Autobahn's 9.3/9.4 cases use.
 */
export const MIN_AVERAGE_FRAGMENT_BYTES = 64;

/** ws's own default, kept as the floor so small limits still take fragmented control of flow. */
const MIN_FRAGMENTS = 16 * 1024;

/** How many fragments one message may have: enough for `maxMessageBytes` in 64-byte fragments. */
export function maxFragmentsFor(maxMessageBytes: number): number {
  return Math.max(MIN_FRAGMENTS, Math.ceil(maxMessageBytes / MIN_AVERAGE_FRAGMENT_BYTES));
}

/**
 * The smallest message limit an engine gets with recovery on: room for the recovery control
 * messages (a hello or an ack is under 100 bytes), which `maxMessageBytes` does not bound.
 */
export const RECOVERY_CONTROL_BYTES = 256;

/**
 * The message limit the engine enforces. With recovery on it is at least
 * `RECOVERY_CONTROL_BYTES`, and one byte over `maxMessageBytes` for the U+001F that escapes a
 * TEXT data message starting with one; core then bounds every data message at exactly
 * `maxMessageBytes` itself (1009), as it does on every engine.
 */
export function engineMessageBytes(maxMessageBytes: number, recovery: boolean): number {
  return recovery ? Math.max(maxMessageBytes + 1, RECOVERY_CONTROL_BYTES) : maxMessageBytes;
}

/** How uWebSockets (uWebSockets.js, and Bun inside) reports its own refusal of a message. */
const UWS_TOO_BIG = /^Received too big message/;

/**
 * A close as a uWebSockets-based engine reports it, as core reports it on every engine: its own
 * refusal of an oversize (or over-inflating) message comes as 1006 with a reason text, and is
 * `onWsClose`'s 1009, as on ws.
 */
export function uwsClose(code: number, reason: string): readonly [code: number, reason: string] {
  return code === CloseCode.ABNORMAL && UWS_TOO_BIG.test(reason)
    ? [CloseCode.MESSAGE_TOO_BIG, "message too big"]
    : [code, reason];
}
