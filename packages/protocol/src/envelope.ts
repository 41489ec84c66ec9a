import type { WireError } from "./errors.js";

/** An envelope id: a positive integer or a non-empty string. 0 in `re` means "no request". */
export type MessageId = number | string;

/**
 * What one protocol message carries, whatever the codec: `[id, type, target, data]`. Every
 * envelope has an `id`, unique among what its sender sent (this implementation counts 1, 2, 3…
 * per server and per client). See docs/protocol.md.
 *
 * - `[id, "e", name, payload]`: an event;
 * - `[id, "q", name, payload]`: a request, answered by one "r" or "x" whose target is its id;
 * - `[id, "r", re, response]`: the response to request `re`;
 * - `[id, "x", re, error]`: a failure of request `re`, or (re = 0) of an event the peer sent.
 *
 * `data` is left out when it is undefined.
 */
export type Envelope =
  | [id: MessageId, type: "e" | "q", name: string, data?: unknown]
  | [id: MessageId, type: "r", re: MessageId, data?: unknown]
  | [id: MessageId, type: "x", re: MessageId, data: WireError];

/** What a codec produces and reads: a TEXT message (a string) or a BINARY one (bytes). */
export type Frame = string | Uint8Array;

/**
 * Turns envelopes into WebSocket messages and back. Both sides must use the same codec: its
 * `name` is part of the subprotocol they negotiate (`switchboard.v1.<name>`).
 */
export interface EventCodec {
  /** A subprotocol token: letters, digits, `-` and `_`. */
  readonly name: string;
  /** One message for an envelope; throws when the payload cannot be encoded. */
  encode(envelope: Envelope): Frame;
  /**
   * What a message holds: `undefined` when it is not an envelope (a raw message on the same
   * connection), else the decoded array, which the peer checks. Throws when it claims to be an
   * envelope but cannot be read.
   */
  decode(data: Frame, binary: boolean): unknown[] | undefined;
}

/** Whether a decoded array is a well-formed envelope. */
export function isEnvelope(value: unknown): value is Envelope {
  if (!Array.isArray(value) || value.length < 3 || value.length > 4) return false;
  const [id, type, target, data] = value as unknown[];
  if (!isId(id) || id === 0) return false;
  if (type === "e" || type === "q") return typeof target === "string" && target !== "";
  if (!isId(target)) return false;
  if (type === "r") return true;
  const error = data as WireError | undefined;
  return (
    type === "x" &&
    typeof error?.code === "string" &&
    typeof error.message === "string" &&
    typeof (error.event ?? "") === "string" &&
    Array.isArray(error.issues ?? [])
  );
}

/**
 * `codec`, refusing every decoded value that is not a well-formed envelope. The peer checks
 * every message with `isEnvelope` itself (a client's server is no more trusted than a server's
 * client: a malformed envelope could otherwise reach an event's handlers past its schema); this
 * wrapper is for code that decodes envelopes outside a peer.
 */
export function strictCodec(codec: EventCodec): EventCodec {
  return {
    name: codec.name,
    encode: (envelope) => codec.encode(envelope),
    decode(data, binary) {
      const value = codec.decode(data, binary);
      if (value !== undefined && !isEnvelope(value)) throw new TypeError("malformed envelope");
      return value;
    },
  };
}

function isId(value: unknown): value is MessageId {
  return typeof value === "string"
    ? value !== ""
    : Number.isSafeInteger(value) && (value as number) >= 0;
}
