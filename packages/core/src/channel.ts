import type { Connection } from "./connection.js";
import { CloseCode, type Opcode } from "./opcode.js";
import type { SendData } from "./payload.js";

export type { SendData } from "./payload.js";

/** Core's way from a channel to its connection; nothing outside core can reach it. */
export let connectionOf: (channel: Channel) => Connection;

/**
 * One WebSocket connection. Handed to every callback; keep per-connection state in `data`.
 *
 * @example
 * server.onWsOpen = (channel) => { channel.data = { joined: Date.now() }; channel.send("hi"); };
 */
export class Channel<Data = unknown> {
  /** Unique within the server process, increasing from 1. */
  readonly id: number;
  /** Path and query of the upgrade request, e.g. `/chat?room=1`. */
  readonly url: string;
  /** The peer's IP address. */
  readonly remoteAddress: string;
  /** The subprotocol agreed in the handshake, or "". */
  readonly protocol: string;
  /** Your per-connection state. */
  data: Data;

  readonly #connection: Connection;

  static {
    connectionOf = (channel) => channel.#connection;
  }

  /** @internal Created by core's connection when a socket opens. */
  constructor(
    connection: Connection,
    id: number,
    url: string,
    remoteAddress: string,
    protocol: string,
    data: Data,
  ) {
    this.#connection = connection;
    this.id = id;
    this.url = url;
    this.remoteAddress = remoteAddress;
    this.protocol = protocol;
    this.data = data;
  }

  /** True until `close()` is called or the peer goes away. */
  get isOpen(): boolean {
    return this.#connection.isOpen;
  }

  /** Bytes queued for this peer and not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.#connection.bufferedAmount;
  }

  /**
   * Sends a message, or one fragment of it with `fin = false` (continue with more `send` calls,
   * the last with `fin = true`). Strings default to TEXT, bytes to BINARY.
   *
   * Returns true while the buffer is under `highWaterMark`; false means the data is queued but
   * you should `await channel.drain()` before sending more.
   * Throws a `SwitchboardError` when the channel is closed (`CHANNEL_CLOSED`) or the buffer would
   * exceed `maxBufferedBytes` (`BUFFER_OVERFLOW`; the channel is then closed with 1008).
   */
  send(data: SendData, opcode?: Opcode, fin = true): boolean {
    return this.#connection.send(data, opcode, fin);
  }

  /**
   * Resolves when the buffer is at or below `lowWaterMark`; rejects if the channel closes first.
   *
   * @example
   * for (const chunk of chunks) if (!channel.send(chunk)) await channel.drain();
   */
  drain(): Promise<void> {
    return this.#connection.drained();
  }

  /** Sends a close frame (default 1000). The close callback runs when the peer answers. */
  close(code: number = CloseCode.NORMAL, reason = ""): void {
    this.#connection.closeSocket(code, reason);
  }

  /** Drops the connection at once, without a close frame. */
  terminate(): void {
    this.#connection.terminate();
  }
}
