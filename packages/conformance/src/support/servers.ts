import { type Channel, Opcode, WebServer } from "@switchboard/core";

/** Echoes every message back with its own opcode, byte for byte; records what it saw. */
export class EchoServer extends WebServer {
  /** Every message received, as its size and opcode. */
  readonly frames: {
    /** The message's size in bytes. */
    size: number;
    /** Its opcode. */
    opcode: Opcode;
  }[] = [];
  /** Every TEXT message received. */
  readonly texts: string[] = [];

  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode) {
    this.frames.push({ size: data.byteLength, opcode });
    this.send(channel, data, opcode);
  }

  override onWsMessage(_channel: Channel, text: string) {
    this.texts.push(text);
  }
}

export { patternBytes } from "./bytes.js";
export { Opcode };
