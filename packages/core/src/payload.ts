import { isUtf8 } from "node:buffer";
import { utf8Bytes } from "./bytes.js";
import { SwitchboardError } from "./errors.js";
import { Opcode } from "./opcode.js";

/** Data accepted by `send`. */
export type SendData = string | Uint8Array | ArrayBuffer;

/** Whether data goes out as a BINARY message: the opcode if given, else bytes are binary. */
export function isBinary(data: SendData, opcode: Opcode | undefined): boolean {
  if (opcode === undefined) return typeof data !== "string";
  if (opcode !== Opcode.TEXT && opcode !== Opcode.BINARY) {
    throw new SwitchboardError(
      "INVALID_ARGUMENT",
      `opcode must be Opcode.TEXT or Opcode.BINARY, got ${String(opcode)}`,
    );
  }
  return opcode === Opcode.BINARY;
}

/** Validates and encodes once for many recipients: text goes out as UTF-8 bytes too. */
export function encodeOnce(data: SendData, binary: boolean): Uint8Array {
  const payload = toPayload(data, binary);
  return typeof payload === "string" ? utf8Bytes(payload) : payload;
}

export function toPayload(data: SendData, binary: boolean): Uint8Array | string {
  if (typeof data === "string") return binary ? utf8Bytes(data) : data;
  let bytes: Uint8Array;
  if (data instanceof Uint8Array) bytes = data;
  else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (ArrayBuffer.isView(data)) {
    const view = data as ArrayBufferView;
    bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  } else {
    throw new SwitchboardError(
      "INVALID_ARGUMENT",
      `send data must be a string, Uint8Array or ArrayBuffer, got ${typeof data}`,
    );
  }
  if (!binary && !isValidText(bytes)) {
    throw new SwitchboardError("INVALID_ARGUMENT", "a TEXT message must be valid UTF-8");
  }
  return bytes;
}

/**
 * Validates UTF-8 without decoding (a throwaway string would cost far more). Short messages are
 * mostly ASCII, which a loop confirms faster than the call into native code.
 */
function isValidText(bytes: Uint8Array): boolean {
  const length = bytes.length;
  if (length <= 64) {
    let index = 0;
    while (index < length && (bytes[index] as number) < 0x80) index++;
    if (index === length) return true;
  }
  return isUtf8(bytes);
}

// UTF-8 never takes more than 3 bytes per UTF-16 unit, so most strings need no exact count.
export function payloadSize(payload: Uint8Array | string, room: number): number {
  if (typeof payload !== "string") return payload.byteLength;
  return payload.length * 3 <= room ? payload.length : Buffer.byteLength(payload);
}

/** Fragments held until the last one, for an engine that sends messages whole. */
export class HeldFragments {
  #parts: Uint8Array[] = [];
  size = 0;

  add(part: Uint8Array): void {
    this.#parts.push(part);
    this.size += part.byteLength;
  }

  join(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.#parts) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  }
}
