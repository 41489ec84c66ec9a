/**
 * The seam between the shared client and a WebSocket implementation (ws in Node, the native
 * WebSocket in browsers). An adapter translates; every decision is made by the client.
 */

/** What an adapter reports about one connection. */
export interface TransportEvents {
  /** The handshake completed with this subprotocol ("" for none). */
  open(protocol: string): void;
  /** A complete message: a string for TEXT (or its bytes), bytes for BINARY. */
  message(data: string | Uint8Array, binary: boolean): void;
  /** Details of a failure; `close` follows. */
  error(error: Error): void;
  /** The connection is gone (or never opened); called exactly once. */
  close(code: number, reason: string): void;
}

/** One connection attempt, as the client drives it. */
export interface Transport {
  /** Sends a message; false when the connection is no longer open (nothing was sent). */
  send(data: string | Uint8Array): boolean;
  /** Bytes accepted by `send` and not yet written out. */
  readonly bufferedAmount: number;
  /**
   * Starts the closing handshake with a code and reason the client already validated; while
   * connecting, abandons the attempt. Must not throw.
   */
  close(code: number, reason: string): void;
}

/** Options an adapter receives for each attempt. */
export interface TransportOptions {
  protocols: string[];
}
