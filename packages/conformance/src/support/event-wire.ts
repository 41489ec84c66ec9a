/**
 * The events wire format (docs/protocol.md) written out by hand, as a third-party client would:
 * the suite speaks it over a plain ws socket, so it tests the format, not just our own codec.
 */
import type { Received } from "./client.js";

/** The subprotocol a client offers to use typed events with the JSON codec. */
export const EVENTS_PROTOCOL = "switchboard.v1.json";

const MARK = 0x1e;

/** A TEXT envelope: U+001E, then the JSON array. */
export function envelope(...fields: unknown[]): string {
  return `\x1e${JSON.stringify(fields)}`;
}

/** A BINARY envelope: 0x1E, the JSON array without data, 0x1E, the bytes. */
export function binaryEnvelope(head: unknown[], bytes: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(head));
  const frame = new Uint8Array(header.length + bytes.length + 2);
  frame[0] = MARK;
  frame.set(header, 1);
  frame[header.length + 1] = MARK;
  frame.set(bytes, header.length + 2);
  return frame;
}

/** The fields of a received envelope (binary data as the last field), or undefined for a raw message. */
export function readEnvelope(message: Received): unknown[] | undefined {
  if (message.data[0] !== MARK) return undefined;
  if (!message.binary) return JSON.parse(message.text.slice(1)) as unknown[];
  const end = message.data.indexOf(MARK, 1);
  const head = JSON.parse(new TextDecoder().decode(message.data.subarray(1, end))) as unknown[];
  return [...head, message.data.slice(end + 1)];
}
