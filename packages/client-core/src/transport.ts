/**
 * The seam between the shared client and a WebSocket implementation (ws in Node, the native
 * WebSocket in browsers). Both sockets already have this shape, so an adapter returns the socket
 * itself and only translates its events; every decision is made by the client.
 */

/** What an adapter reports about one connection. */
export interface TransportEvents {
  /** The handshake completed. */
  open(): void;
  /** A complete message: a string or bytes (TEXT may come as its UTF-8 bytes). */
  message(data: string | Uint8Array, binary: boolean): void;
  /** Details of a failure, where the implementation gives any; `close` follows. */
  error(error: Error): void;
  /**
   * The server answered the upgrade with an HTTP status instead of 101, and `Retry-After` in ms
   * if it sent one; `close` follows. Only implementations that can see the response call it.
   */
  refused(status: number, retryAfter: number | undefined): void;
  /** The connection is gone (or never opened); called exactly once. */
  close(code: number, reason: string): void;
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
  protocols: string | string[];
}
