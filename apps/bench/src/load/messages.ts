/**
 * Messages that carry a sequence number, so the load can prove nothing was lost, duplicated or
 * reordered: `envelope.prefix` + 10 ASCII digits + filler up to the payload size + `suffix`.
 */
import type { WsConnection } from "./ws-client.js";

const DIGITS = 10;

export class SequencedMessage {
  readonly #template: Buffer;
  readonly #seqAt: number;
  /** Bytes from the sequence number to the end: where it is when the prefix may differ. */
  readonly #seqFromEnd: number;
  readonly #variablePrefix: boolean;
  /** Length of one whole message (envelope included), as the server echoes it back. */
  readonly length: number;
  /** Bytes one message takes on the wire from the client. */
  readonly frameLength: number;

  constructor(
    payloadBytes: number,
    envelope: { prefix: string; suffix: string; variablePrefix?: boolean },
  ) {
    if (payloadBytes < DIGITS) throw new Error(`payload must be at least ${DIGITS} bytes`);
    const text =
      envelope.prefix + "0".repeat(DIGITS) + "x".repeat(payloadBytes - DIGITS) + envelope.suffix;
    this.#template = Buffer.from(text, "latin1");
    this.#seqAt = envelope.prefix.length;
    this.length = this.#template.length;
    this.#seqFromEnd = this.length - this.#seqAt;
    this.#variablePrefix = envelope.variablePrefix ?? false;
    // Header: 2 bytes (+2 or +8 extended length) and the 4-byte mask.
    this.frameLength = this.length + (this.length < 126 ? 6 : this.length < 65536 ? 8 : 14);
  }

  /** Writes the framed message with `seq` into `target` at `offset`; returns the bytes written. */
  writeFrame(connection: WsConnection, target: Buffer, offset: number, seq: number): number {
    let value = seq;
    for (let i = this.#seqAt + DIGITS - 1; i >= this.#seqAt; i--) {
      this.#template[i] = 0x30 + (value % 10);
      value = Math.floor(value / 10);
    }
    return connection.frameAt(target, offset, this.#template);
  }

  /** Writes `count` frames with consecutive sequence numbers from `firstSeq` in one write. */
  send(connection: WsConnection, firstSeq: number, count: number): void {
    const batch = Buffer.allocUnsafe(this.frameLength * count);
    let offset = 0;
    for (let i = 0; i < count; i++)
      offset += this.writeFrame(connection, batch, offset, firstSeq + i);
    connection.socket.write(batch);
  }

  /** The sequence number of a received message, or -1 when it is not one of ours intact. */
  seqOf(message: Buffer): number {
    if (this.#variablePrefix ? message.length < this.#seqFromEnd : message.length !== this.length)
      return -1;
    const at = this.#variablePrefix ? message.length - this.#seqFromEnd : this.#seqAt;
    let value = 0;
    for (let i = at; i < at + DIGITS; i++) {
      const digit = (message[i] as number) - 0x30;
      if (digit < 0 || digit > 9) return -1;
      value = value * 10 + digit;
    }
    return value;
  }
}
