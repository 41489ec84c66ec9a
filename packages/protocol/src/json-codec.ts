import type { EventCodec } from "./envelope.js";
import { utf8Decoder, utf8Encoder } from "./utf8.js";

/**
 * Marks a message as an envelope: U+001E (record separator), which JSON always escapes, so it
 * also ends the header of a binary envelope.
 */
const MARK = 0x1e;

/**
 * The default codec. An envelope is a TEXT message: U+001E, then the JSON array
 * `[id, type, target, data]`. A payload that is a `Uint8Array` or `ArrayBuffer` goes as a
 * BINARY message instead, byte for byte: 0x1E, the JSON array without data, 0x1E, the bytes.
 * JSON.stringify throws for a cycle or a BigInt; the caller reports it.
 */
export const jsonCodec: EventCodec = {
  name: "json",
  encode(envelope) {
    const data = envelope[3];
    const bytes =
      data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : 0;
    if (!bytes)
      return `\x1e${JSON.stringify(data === undefined ? envelope.slice(0, 3) : envelope)}`;
    const header = utf8Encoder.encode(JSON.stringify(envelope.slice(0, 3)));
    const frame = new Uint8Array(header.length + bytes.length + 2);
    frame[0] = frame[header.length + 1] = MARK;
    frame.set(header, 1);
    frame.set(bytes, header.length + 2);
    return frame;
  },
  decode(data, binary) {
    const text = typeof data === "string";
    if ((text ? data.charCodeAt(0) : data[0]) !== MARK) return undefined;
    if (text) return JSON.parse(data.slice(1));
    const end = binary ? data.indexOf(MARK, 1) : data.length;
    const value = JSON.parse(utf8Decoder.decode(data.subarray(1, end < 0 ? 1 : end)));
    // A copy: the engine may reuse the message's memory once the callback returns. Whatever is
    // not an array throws here or fails the peer's check.
    if (binary && value.length === 3) value.push(data.slice(end + 1));
    return value;
  },
};
