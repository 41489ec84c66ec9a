/**
 * The script of a hostile server (see `hostile-server.ts`): how it answers the upgrade and which
 * frames it sends. Plain data, so that a test in a browser can hand it to the control server.
 */
export interface HostileScript {
  /**
   * The answer's status; 101 (default) accepts, anything else refuses and ends the connection,
   * 0 never answers.
   */
  status?: number;
  /** Extra answer headers, e.g. `{ "Retry-After": "-5" }`. */
  headers?: Record<string, string>;
  /** The `Sec-WebSocket-Accept` header: right (default), wrong, or left out. */
  accept?: "right" | "wrong" | "none";
  /** The subprotocol picked: "first" offered (default), "none", or this one whatever was offered. */
  protocol?: string;
  /** Frames sent right after the 101. */
  frames?: HostileFrame[];
  /** Frames sent after the client's n-th message (from 0): a reply to a request, a welcome. */
  replies?: HostileFrame[][];
  /** After the first frames: stay (default), end the TCP connection, or drop it. */
  after?: "stay" | "end" | "drop";
  /** Whether a close frame from the client is answered (default true); false leaves it hanging. */
  answerClose?: boolean;
  /** The script of every connection after the first (default: this one). */
  later?: Omit<HostileScript, "later">;
}

/** One server frame, with every field open to abuse. */
export interface HostileFrame {
  /** Default 1 (TEXT). */
  opcode?: number;
  /** The payload as UTF-8 text. */
  text?: string;
  /** The payload as bytes, base64 (for invalid UTF-8 and close frames). */
  base64?: string;
  /** The payload as `size` bytes of `fill` (for large messages). */
  fill?: number;
  size?: number;
  /** Default true. */
  fin?: boolean;
  /** RSV1..3 as a 3-bit number. */
  rsv?: number;
  /** Announces this payload length instead of the real one. */
  announce?: number;
  /** Sends the frame this many times. */
  repeat?: number;
  /** Instead of a frame: drop the TCP connection here, without a close frame. */
  drop?: boolean;
}

/** What a hostile server saw. */
export interface HostileState {
  /** Upgrade requests answered. */
  upgrades: number;
  /** The data messages the clients sent, as text, in order. */
  received: string[];
  /** The codes of the close frames the clients sent. */
  closes: number[];
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** Builders of hostile frames. */
export const hostile = {
  text: (text: string, more: Partial<HostileFrame> = {}): HostileFrame => ({ text, ...more }),
  bytes: (bytes: Uint8Array | number[], opcode = 2): HostileFrame => ({
    opcode,
    base64: base64(Uint8Array.from(bytes)),
  }),
  /** A close frame with `code` (none for `undefined`) and a reason given as bytes or text. */
  close(code?: number, reason: Uint8Array | number[] | string = ""): HostileFrame {
    const text = typeof reason === "string" ? new TextEncoder().encode(reason) : reason;
    const head = code === undefined ? [] : [(code >> 8) & 0xff, code & 0xff];
    return { opcode: 8, base64: base64(Uint8Array.from([...head, ...text])) };
  },
  /** A recovery control message as written (a string is sent as it is, after the mark). */
  control: (value: unknown): HostileFrame => ({
    text: `\x1f${typeof value === "string" ? value : JSON.stringify(value)}`,
  }),
  /** A typed-events envelope as written (a string is sent as it is, after the mark). */
  envelope: (value: unknown): HostileFrame => ({
    text: `\x1e${typeof value === "string" ? value : JSON.stringify(value)}`,
  }),
};
