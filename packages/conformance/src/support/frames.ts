import { randomBytes } from "node:crypto";

/** One WebSocket frame as a client would write it, with every field open to abuse. */
export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string;
  fin?: boolean;
  /** RSV1..3 as a 3-bit number. */
  rsv?: number;
  /** Clients must mask; false sends an unmasked frame. */
  masked?: boolean;
  /** Announce this length instead of the payload's (for lies and truncation). */
  announcedLength?: bigint;
}

/** Encodes a frame byte for byte (RFC 6455 section 5.2). */
export function frame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === "string" ? Buffer.from(spec.payload) : Buffer.from(spec.payload ?? []);
  const masked = spec.masked ?? true;
  const length = spec.announcedLength ?? BigInt(payload.length);
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | (spec.opcode & 0x0f);
  const mask = masked ? 0x80 : 0;
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, mask | Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header.writeUInt8(first, 0);
    header.writeUInt8(mask | 126, 1);
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(first, 0);
    header.writeUInt8(mask | 127, 1);
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] = (body[i] as number) ^ (key[i % 4] as number);
  return Buffer.concat([header, key, body]);
}

/** A close frame payload: a 2-byte code and a reason. */
export function closePayload(code: number, reason: Uint8Array | string = ""): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(code);
  return Buffer.concat([head, Buffer.from(reason)]);
}

/** The close code in the first close frame of a server's byte stream, if there is one. */
export function serverCloseCode(bytes: Buffer): number | undefined {
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const opcode = (bytes[offset] as number) & 0x0f;
    let length = (bytes[offset + 1] as number) & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) return undefined;
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) return undefined;
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (opcode === 8)
      return length >= 2 && start + 2 <= bytes.length ? bytes.readUInt16BE(start) : 1005;
    offset = start + length;
  }
  return undefined;
}

/** One frame a server sent (servers do not mask). */
export interface ServerFrame {
  opcode: number;
  fin: boolean;
  /** RSV1: the frame starts a compressed (permessage-deflate) message. */
  compressed: boolean;
  payload: Buffer;
}

/** The complete frames in a server's byte stream, in order. */
export function serverFrames(bytes: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const first = bytes[offset] as number;
    let length = (bytes[offset + 1] as number) & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      if (start + 2 > bytes.length) break;
      length = bytes.readUInt16BE(start);
      start += 2;
    } else if (length === 127) {
      if (start + 8 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(start));
      start += 8;
    }
    if (start + length > bytes.length) break;
    frames.push({
      opcode: first & 0x0f,
      fin: (first & 0x80) !== 0,
      compressed: (first & 0x40) !== 0,
      payload: bytes.subarray(start, start + length),
    });
    offset = start + length;
  }
  return frames;
}
