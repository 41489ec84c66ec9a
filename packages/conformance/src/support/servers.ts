import { type Channel, Opcode, WebServer } from "@switchboard/core";

/** Echoes every message back with its own opcode, byte for byte; records what it saw. */
export class EchoServer extends WebServer {
  readonly frames: { size: number; opcode: Opcode }[] = [];
  readonly texts: string[] = [];

  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode) {
    this.frames.push({ size: data.byteLength, opcode });
    this.send(channel, data, opcode);
  }

  override onWsMessage(_channel: Channel, text: string) {
    this.texts.push(text);
  }
}

/** Deterministic pseudo-random bytes, so a failure is reproducible. */
export function patternBytes(size: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

export { Opcode };
