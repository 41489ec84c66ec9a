import { type EngineSocket, type SocketEvents, UwsClosing } from "@switchboard/core/backend";
import type { BunSocket } from "./engine.js";

/** What each Bun socket carries from the upgrade to its events. */
export interface SocketData {
  context: unknown;
  protocol: string;
  events?: SocketEvents;
}

/** Closing handshakes, each held until its socket's backlog is out (the backend's drain tells). */
export const closing = new UwsClosing<BunSocket<SocketData>>((ws, code, reason) =>
  ws.close(code, reason),
);

const decoder = new TextDecoder();

/** Bun sends text only from a string; core hands over validated UTF-8 bytes for broadcasts. */
export function asText(data: Uint8Array | string): string {
  return typeof data === "string" ? data : decoder.decode(data);
}

/** Bun's `send` result for a message it dropped (over `backpressureLimit`, never reached here). */
const DROPPED = 0;
/** Bun's `send` result for a message queued behind backpressure. */
const QUEUED = -1;

/**
 * Engine operations on one Bun socket. Bun (uWebSockets inside) copies what it queues, and has
 * no per-frame send: core joins fragmented sends for it (no `sendFragment`).
 */
class BunEngineSocket implements EngineSocket {
  constructor(
    readonly ws: BunSocket<SocketData>,
    /** Messages this long or longer are compressed (Bun has no threshold; off: Infinity). */
    readonly compressFrom: number,
  ) {}

  send(data: Uint8Array | string, binary: boolean): number {
    const ws = this.ws;
    const compress =
      (typeof data === "string" ? data.length : data.byteLength) >= this.compressFrom;
    const result = binary
      ? ws.sendBinary(data as Uint8Array, compress)
      : ws.sendText(asText(data), compress);
    // A positive result is the bytes written at once: nothing is left in the buffer.
    return result === QUEUED || result === DROPPED ? ws.getBufferedAmount() : 0;
  }

  get bufferedAmount(): number {
    return this.ws.getBufferedAmount();
  }

  /** Bun (uWebSockets inside) drops a closing socket early: the close waits for the backlog. */
  close(code: number, reason: string): void {
    closing.close(this.ws, code, reason);
  }

  subscribe(topic: string): void {
    this.ws.subscribe(topic);
  }

  /** Bun answers pings itself; this is core's heartbeat. */
  ping(): void {
    this.ws.ping();
  }

  unsubscribe(topic: string): void {
    this.ws.unsubscribe(topic);
  }

  /** Drops the TCP connection at once, no close frame. */
  terminate(): void {
    this.ws.terminate();
  }
}

/** Engine operations on one Bun socket; `threshold` with permessage-deflate on. */
export function engineSocket(
  ws: BunSocket<SocketData>,
  threshold: number | undefined,
): EngineSocket {
  return new BunEngineSocket(ws, threshold ?? Number.POSITIVE_INFINITY);
}

/** The Bun socket behind an engine socket made by `engineSocket`. */
export function bunSocketOf(socket: EngineSocket): BunSocket<SocketData> | undefined {
  return socket instanceof BunEngineSocket ? socket.ws : undefined;
}
