/**
 * The recovery wire format (`switchboard.recovery.v1`), shared by the server and the clients.
 * See docs/recovery.md. Data messages travel as they are and are numbered implicitly: the n-th
 * data message one side sends on a session is number n. Control messages are TEXT messages that
 * start with U+001F; a TEXT data message that starts with U+001F gets one more in front.
 */

/** The subprotocol token; `switchboard.recovery.v1+<inner>` carries another subprotocol inside. */
export const RECOVERY_PROTOCOL = "switchboard.recovery.v1";

/** Starts every control message (and escapes data that starts with it). */
export const CONTROL_MARK = "\x1f";

/** A receiver acknowledges after this many data messages, or `ACK_DELAY_MS` after the first. */
export const ACK_EVERY = 128;
export const ACK_DELAY_MS = 50;

/**
 * - `["hello", session, received]`: the client's first message; `session` null for a new one,
 *   `received` how many data messages of that session it got.
 * - `["welcome", session, recovered, received]`: the server's first message; `received` how
 *   many of the client's data messages the session got (what follows `received` is resent).
 * - `["ack", received]`: cumulative, either way.
 */
export type Control =
  | [type: "hello", session: string | null, received: number]
  | [type: "welcome", session: string, recovered: boolean, received: number]
  | [type: "ack", received: number];

/** The subprotocol inside a recovery token ("" for raw messages), or undefined for another token. */
export function innerProtocol(token: string): string | undefined {
  if (token === RECOVERY_PROTOCOL) return "";
  const prefix = `${RECOVERY_PROTOCOL}+`;
  return token.startsWith(prefix) && token.length > prefix.length
    ? token.slice(prefix.length)
    : undefined;
}

/** What a recovering client offers: each protocol wrapped, then the plain ones as a fallback. */
export function recoveryOffer(protocols: string | string[]): string[] {
  const plain = typeof protocols === "string" ? [protocols] : protocols;
  if (plain.length === 0) return [RECOVERY_PROTOCOL];
  return [...plain.map((protocol) => `${RECOVERY_PROTOCOL}+${protocol}`), ...plain];
}

export function encodeControl(control: Control): string {
  return CONTROL_MARK + JSON.stringify(control);
}

/**
 * Reads a TEXT message: `{ data }` for a data message (unescaped), `{ control }` for a control
 * message, `{ control: undefined }` for one that starts with the mark but cannot be read.
 */
export function readText(text: string): { data: string } | { control: Control | undefined } {
  if (text.charCodeAt(0) !== 0x1f) return { data: text };
  if (text.charCodeAt(1) === 0x1f) return { data: text.slice(1) };
  let value: unknown;
  try {
    value = JSON.parse(text.slice(1));
  } catch {}
  return { control: isControl(value) ? value : undefined };
}

/** `\x1f["ack",` as bytes: how every ack starts. */
const ACK_PREFIX = [0x1f, 0x5b, 0x22, 0x61, 0x63, 0x6b, 0x22, 0x2c];
/** More digits than this are left to `readText` (and exceed a safe integer anyway). */
const ACK_MAX_DIGITS = 15;

/**
 * The count of an ack written the way every side writes it (`\x1f["ack",123]`), read without
 * decoding or parsing; undefined for anything else, which `readText` then reads in full. The
 * many acks of a busy connection take this path.
 */
export function readAck(data: Uint8Array | string): number | undefined {
  const length = data.length;
  const digits = length - ACK_PREFIX.length - 1;
  if (digits < 1 || digits > ACK_MAX_DIGITS) return undefined;
  const text = typeof data === "string";
  const at = (i: number) => (text ? data.charCodeAt(i) : (data[i] as number));
  for (let i = 0; i < ACK_PREFIX.length; i++) if (at(i) !== ACK_PREFIX[i]) return undefined;
  if (at(length - 1) !== 0x5d) return undefined;
  const start = ACK_PREFIX.length;
  // JSON has no leading zeros.
  if (digits > 1 && at(start) === 0x30) return undefined;
  let count = 0;
  for (let i = start; i < length - 1; i++) {
    const digit = at(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    count = count * 10 + digit;
  }
  return count;
}

/** A TEXT data message as it goes on the wire. */
export function escapeText(text: string): string {
  return text.charCodeAt(0) === 0x1f ? CONTROL_MARK + text : text;
}

function isControl(value: unknown): value is Control {
  if (!Array.isArray(value)) return false;
  const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  const [type, a, b, c] = value as unknown[];
  if (type === "ack") return value.length === 2 && count(a);
  if (type === "hello")
    return value.length === 3 && (a === null || typeof a === "string") && count(b);
  return (
    type === "welcome" &&
    value.length === 4 &&
    typeof a === "string" &&
    typeof b === "boolean" &&
    count(c)
  );
}

/** One data message the server keeps for a resend: the payload as it went on the wire. */
export interface Kept {
  data: string | Uint8Array;
  binary: boolean;
  bytes: number;
}

/**
 * The data messages a client sent and the server has not acknowledged (each as it went on the
 * wire: text is text, so no flag is needed), numbered from 1 per session. A queue with a moving
 * head: `ack` drops from the front, `push` adds at the back. The server keeps a ring of its own
 * with the same numbering, which also counts bytes for its limits.
 */
export class ResendBuffer {
  /** How many data messages this side sent on the session. */
  sent = 0;
  #items: (string | Uint8Array)[] = [];

  /** Numbers of the messages held: from `first` to `sent`. */
  get first(): number {
    return this.sent - this.#items.length + 1;
  }

  get length(): number {
    return this.#items.length;
  }

  push(item: string | Uint8Array): void {
    this.sent++;
    this.#items.push(item);
  }

  /** The other side got everything up to `received`; false when that is more than was sent. */
  ack(received: number): boolean {
    if (received > this.sent) return false;
    // A client holds what one acknowledgement period sent: splicing the front is cheap here.
    // (An old `received` gives a negative count, which removes nothing.)
    this.#items.splice(0, received - this.first + 1);
    return true;
  }

  /** Drops the oldest message. */
  shift(): void {
    this.#items.shift();
  }

  /** Whether every message after `received` is still held, so a resend is complete. */
  covers(received: number): boolean {
    return received <= this.sent && received >= this.first - 1;
  }

  /** The messages after `received`, oldest first; call `covers` first. */
  after(received: number): (string | Uint8Array)[] {
    return this.#items.slice(Math.max(received + 1 - this.first, 0));
  }

  clear(): void {
    this.#items = [];
    this.sent = 0;
  }
}

/**
 * Counts the data messages one side receives and acknowledges them cheaply: every `ACK_EVERY`
 * messages, or `ACK_DELAY_MS` after the first unacknowledged one.
 */
export class AckCounter {
  received = 0;
  #acked = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #send: (control: string) => void;

  constructor(send: (control: string) => void) {
    this.#send = send;
  }

  count(): void {
    this.received++;
    if (this.received - this.#acked >= ACK_EVERY) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), ACK_DELAY_MS);
  }

  flush(): void {
    this.stop();
    if (this.received === this.#acked) return;
    this.#acked = this.received;
    this.#send(encodeControl(["ack", this.received]));
  }

  /** Stops the timer (the connection is gone); `acked` then restarts from `received`. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A new connection of the same session: nothing is acknowledged on it yet. */
  resume(): void {
    this.stop();
    this.#acked = this.received;
  }
}
