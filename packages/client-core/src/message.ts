import type { Opcode } from "./opcode.js";

/** The one UTF-8 encoder the client needs. */
export const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/**
 * One received message, as `nextMessage()` and `for await` yield it. Text and bytes are converted
 * only when asked for, so reading a big message one way costs nothing the other way.
 *
 * @example
 * const message = await client.nextMessage();
 * if (message.opcode === Opcode.TEXT) console.log(message.text);
 */
export class Message {
  /** `Opcode.TEXT` or `Opcode.BINARY`. */
  readonly opcode: Opcode;
  #payload: string | Uint8Array;
  #converted: string | Uint8Array | undefined;

  /** @internal Created by the client; `payload` is a string or bytes as the transport gave it. */
  constructor(opcode: Opcode, payload: string | Uint8Array) {
    this.opcode = opcode;
    this.#payload = payload;
  }

  /** The message as text: a TEXT message's text, or a BINARY one decoded as UTF-8. */
  get text(): string {
    const payload = this.#payload;
    if (typeof payload === "string") return payload;
    this.#converted ??= decoder.decode(payload);
    return this.#converted as string;
  }

  /** The message as bytes: a BINARY message's bytes, or a TEXT one's UTF-8. */
  get data(): Uint8Array {
    const payload = this.#payload;
    if (typeof payload !== "string") return payload;
    this.#converted ??= utf8.encode(payload);
    return this.#converted as Uint8Array;
  }
}
