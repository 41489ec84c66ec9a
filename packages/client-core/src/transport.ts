import type { ClientError } from "./errors.js";

/**
 * The seam between the shared client and a WebSocket implementation (ws in Node, the native
 * WebSocket in browsers). Both sockets already have this shape, so an adapter returns the socket
 * itself and only translates its events; every decision is made by the client.
 */

/**
 * What an adapter reports about one connection. The `on…` events take the browser's WebSocket
 * events (or objects of their shape), so that the browser's adapter passes them straight through.
 */
export interface TransportEvents {
  /** The handshake completed. */
  onopen(): void;
  /**
   * A complete message: a string, or bytes (ArrayBuffer or Uint8Array). `binary` defaults to
   * whether it is bytes; TEXT may come as its UTF-8 bytes with `binary` false.
   */
  onmessage(event: { data: string | ArrayBuffer | Uint8Array }, binary?: boolean): void;
  /**
   * The connection is gone (or never opened); called exactly once. Once `close()` was called
   * no message is delivered any more, as browsers do.
   */
  onclose(event: TransportClose): void;
}

/** How a connection ended: its close code and reason. */
export interface TransportClose {
  readonly code: number;
  readonly reason: string;
  /**
   * For an attempt that never opened, why, where the implementation can tell (browsers
   * deliberately hide it): `UPGRADE_REFUSED` with the HTTP status (and for 429 and 503 the
   * `Retry-After` in ms) in `info`, or `CONNECT_FAILED` with the cause. Build it with
   * `attemptError`.
   */
  readonly error?: ClientError | undefined;
  /**
   * Set by recovery: the session may resume on the next connection, so what was written on
   * this one may still be answered there.
   */
  readonly resumable?: boolean;
}

/** One connection attempt, as the client drives it: the subset of `WebSocket` it uses. */
export interface Transport {
  /** 1 while open, as `WebSocket.OPEN`. */
  readonly readyState: number;
  /** The subprotocol the server picked, "" for none. */
  readonly protocol: string;
  /** Bytes accepted by `send` and not yet written out. */
  readonly bufferedAmount: number;
  /** Sends a string as TEXT, bytes as BINARY. Only called while `readyState` is 1. */
  send(data: string | Uint8Array): void;
  /**
   * Starts the closing handshake with a code and reason the client already validated; while
   * connecting, abandons the attempt. Must not throw.
   */
  close(code: number, reason: string): void;
}

/** Options an adapter receives for each attempt. */
export interface TransportOptions {
  /** The subprotocols to offer, as the `WebSocket` constructor takes them. */
  protocols: string | string[];
  /** Deliver TEXT messages as strings, never as their UTF-8 bytes (browsers always do). */
  text?: boolean;
}
