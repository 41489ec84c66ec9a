/**
 * The bytes that travel through Redis: a small header, then the payload untouched.
 *
 *   byte 0      format version (1)
 *   byte 1      flags: bit 0 = binary message (else UTF-8 text)
 *   byte 2      n = length of the sender's node id
 *   3 .. 3+n    the sender's node id (UTF-8)
 *   3+n ..      the payload
 *
 * No JSON and no base64: the payload is copied once into the message and read back as a view.
 */
export const ENVELOPE_VERSION = 1;
const FLAG_BINARY = 1;
const FIXED_HEADER = 3;

/** A received message, with `payload` a view into the received bytes. */
export interface Envelope {
  payload: Uint8Array;
  binary: boolean;
}

/** Writes envelopes for one node: the two possible headers are built once. */
export class EnvelopeWriter {
  readonly #text: Buffer;
  readonly #binary: Buffer;

  constructor(nodeId: Buffer) {
    this.#text = header(nodeId, false);
    this.#binary = header(nodeId, true);
  }

  write(payload: Uint8Array, binary: boolean): Buffer {
    const head = binary ? this.#binary : this.#text;
    const message = Buffer.allocUnsafe(head.length + payload.byteLength);
    head.copy(message, 0);
    message.set(payload, head.length);
    return message;
  }
}

/** Reads envelopes for one node, recognising the node's own messages. */
export class EnvelopeReader {
  readonly #nodeId: Buffer;

  constructor(nodeId: Buffer) {
    this.#nodeId = nodeId;
  }

  /**
   * Returns the message, `"own"` when this node sent it, or `"malformed"` when the bytes are not
   * an envelope (e.g. something else published on the channel).
   */
  read(message: Buffer): Envelope | "own" | "malformed" {
    if (message.length < FIXED_HEADER || message[0] !== ENVELOPE_VERSION) return "malformed";
    const idLength = message[2]!;
    const start = FIXED_HEADER + idLength;
    if (message.length < start) return "malformed";
    if (
      idLength === this.#nodeId.length &&
      this.#nodeId.compare(message, FIXED_HEADER, start) === 0
    ) {
      return "own";
    }
    return { payload: message.subarray(start), binary: (message[1]! & FLAG_BINARY) !== 0 };
  }
}

/** The node id of a message's sender (call `read` first: it must be an envelope). */
export function senderOf(message: Buffer): string {
  return message.toString("utf8", FIXED_HEADER, FIXED_HEADER + message[2]!);
}

/** Encodes a node id for the header; at most 255 bytes. */
export function nodeIdBytes(nodeId: string): Buffer {
  const bytes = Buffer.from(nodeId, "utf8");
  if (bytes.length === 0 || bytes.length > 255) {
    throw new RangeError(`nodeId must be 1 to 255 bytes of UTF-8, got ${bytes.length}`);
  }
  return bytes;
}

function header(nodeId: Buffer, binary: boolean): Buffer {
  const head = Buffer.alloc(FIXED_HEADER + nodeId.length);
  head[0] = ENVELOPE_VERSION;
  head[1] = binary ? FLAG_BINARY : 0;
  head[2] = nodeId.length;
  nodeId.copy(head, FIXED_HEADER);
  return head;
}
