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
  try {
    const value = JSON.parse(text.slice(1)) as unknown;
    return { control: isControl(value) ? value : undefined };
  } catch {
    return { control: undefined };
  }
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

/** One data message kept for a resend: the payload as it went on the wire. */
export interface Kept {
  data: string | Uint8Array;
  binary: boolean;
  bytes: number;
}

/** Slots a new buffer starts with; a power of two, as every capacity is. */
const FIRST_CAPACITY = 16;
/** An empty buffer that grew past this many slots starts over small. */
const KEEP_CAPACITY = 1024;

/**
 * The data messages one side sent and the other has not acknowledged, numbered from 1 per
 * session: `ack` drops from the front, `push` adds at the back. A ring of parallel arrays, so a
 * message kept costs no object of its own and a full ring doubles without ever compacting.
 */
export class ResendBuffer {
  /** How many data messages this side sent on the session. */
  sent = 0;
  /** Bytes held. */
  bytes = 0;
  #data: (string | Uint8Array | undefined)[] = new Array(FIRST_CAPACITY).fill(undefined);
  #sizes: number[] = new Array(FIRST_CAPACITY).fill(0);
  #binary = new Uint8Array(FIRST_CAPACITY);
  #head = 0;
  #length = 0;

  /** Numbers of the messages held: from `first` to `sent`. */
  get first(): number {
    return this.sent - this.#length + 1;
  }

  get length(): number {
    return this.#length;
  }

  push(item: Kept): void {
    this.keep(item.data, item.binary, item.bytes);
  }

  /** As `push`, without an object for the message. */
  keep(data: string | Uint8Array, binary: boolean, bytes: number): void {
    if (this.#length === this.#data.length) this.#grow();
    const slot = (this.#head + this.#length) & (this.#data.length - 1);
    this.#data[slot] = data;
    this.#sizes[slot] = bytes;
    this.#binary[slot] = binary ? 1 : 0;
    this.#length++;
    this.sent++;
    this.bytes += bytes;
  }

  /** The other side got everything up to `received`; false when that is more than was sent. */
  ack(received: number): boolean {
    if (received > this.sent) return false;
    let drop = received - this.first + 1;
    while (drop-- > 0) this.shift();
    if (this.#length === 0 && this.#data.length > KEEP_CAPACITY) this.#reset();
    return true;
  }

  /** Drops the oldest message. */
  shift(): void {
    if (this.#length === 0) return;
    const head = this.#head;
    this.#data[head] = undefined;
    this.bytes -= this.#sizes[head] as number;
    this.#head = (head + 1) & (this.#data.length - 1);
    this.#length--;
  }

  /** Whether every message after `received` is still held, so a resend is complete. */
  covers(received: number): boolean {
    return received <= this.sent && received >= this.first - 1;
  }

  /** The messages after `received`, oldest first; call `covers` first. */
  *after(received: number): Generator<Kept> {
    const mask = this.#data.length - 1;
    for (let n = Math.max(received + 1, this.first); n <= this.sent; n++) {
      const slot = (this.#head + n - this.first) & mask;
      yield {
        data: this.#data[slot] as string | Uint8Array,
        binary: this.#binary[slot] === 1,
        bytes: this.#sizes[slot] as number,
      };
    }
  }

  clear(): void {
    this.#reset();
    this.sent = 0;
    this.bytes = 0;
  }

  /** Twice the slots, the held messages moved to the front in order. */
  #grow(): void {
    const capacity = this.#data.length;
    const data: (string | Uint8Array | undefined)[] = new Array(capacity * 2).fill(undefined);
    const sizes: number[] = new Array(capacity * 2).fill(0);
    const binary = new Uint8Array(capacity * 2);
    for (let i = 0; i < this.#length; i++) {
      const slot = (this.#head + i) & (capacity - 1);
      data[i] = this.#data[slot];
      sizes[i] = this.#sizes[slot] as number;
      binary[i] = this.#binary[slot] as number;
    }
    this.#data = data;
    this.#sizes = sizes;
    this.#binary = binary;
    this.#head = 0;
  }

  #reset(): void {
    this.#data = new Array(FIRST_CAPACITY).fill(undefined);
    this.#sizes = new Array(FIRST_CAPACITY).fill(0);
    this.#binary = new Uint8Array(FIRST_CAPACITY);
    this.#head = 0;
    this.#length = 0;
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
  /** With `rideAlong`: the delay passed, the ack goes with the next message's handling. */
  #due = false;
  readonly #send: (control: string) => void;
  readonly #rideAlong: boolean;
  readonly #expired = () => this.#timerExpired();

  /**
   * `rideAlong`: an ack whose delay passed waits for the next message received, up to
   * `ACK_DELAY_MS` more, and is sent while that message is handled, where an engine writes it
   * together with the replies (uWebSockets corks a socket's callback) instead of in a write of
   * its own from a timer. The server's choice; a peer still gets an ack within twice the delay.
   */
  constructor(send: (control: string) => void, options?: { rideAlong?: boolean }) {
    this.#send = send;
    this.#rideAlong = options?.rideAlong === true;
  }

  count(): void {
    this.received++;
    if (this.#due || this.received - this.#acked >= ACK_EVERY) this.flush();
    else this.#timer ??= setTimeout(this.#expired, ACK_DELAY_MS);
  }

  flush(): void {
    this.stop();
    if (this.received === this.#acked) return;
    this.#acked = this.received;
    // What encodeControl(["ack", received]) writes, without JSON.stringify and its array.
    this.#send(`${CONTROL_MARK}["ack",${this.received}]`);
  }

  #timerExpired(): void {
    this.#timer = undefined;
    if (!this.#rideAlong || this.#due) {
      this.flush();
      return;
    }
    this.#due = true;
    this.#timer = setTimeout(this.#expired, ACK_DELAY_MS);
  }

  /** Stops the timer (the connection is gone); `acked` then restarts from `received`. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = false;
  }

  /** A new connection of the same session: nothing is acknowledged on it yet. */
  resume(): void {
    this.stop();
    this.#acked = this.received;
  }
}
