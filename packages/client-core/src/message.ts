import { utf8Decoder, utf8Encoder } from "@switchboard/protocol";
import type { Opcode } from "./opcode.js";

/**
 * One received message, as `nextMessage()` and `for await` yield it.
 *
 * @example
 * const message = await client.nextMessage();
 * if (message.opcode === Opcode.TEXT) console.log(message.text);
 */
export interface Message {
  /** `Opcode.TEXT` or `Opcode.BINARY`. */
  readonly opcode: Opcode;
  /** The message as text: a TEXT message's text, or a BINARY one decoded as UTF-8. */
  readonly text: string;
  /** The message as bytes: a BINARY message's bytes, or a TEXT one's UTF-8. */
  readonly data: Uint8Array;
}

/**
 * Wraps what a transport delivered (a string, or bytes). The other form is made only when
 * asked for, so reading a big message one way costs nothing the other way.
 */
export function toMessage(payload: string | Uint8Array, binary: boolean): Message {
  let text: string | undefined;
  let data: Uint8Array | undefined;
  if (typeof payload === "string") text = payload;
  else data = payload;
  return {
    // Opcode.BINARY and Opcode.TEXT, without pulling the object in.
    opcode: binary ? 2 : 1,
    get text() {
      text ??= utf8Decoder.decode(data);
      return text;
    },
    get data() {
      data ??= utf8Encoder.encode(text);
      return data;
    },
  };
}
