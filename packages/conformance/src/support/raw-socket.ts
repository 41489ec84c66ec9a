import { connect, type Socket } from "node:net";
import { type ServerFrame, serverCloseCode, serverFrames } from "./frames.js";
import { upgradeRequest } from "./raw.js";

/** How a raw connection ended after abuse. */
export interface RawOutcome {
  /** The server's close frame code, if it sent one. */
  closeCode?: number;
  /** True when the TCP connection was closed (by either a close frame exchange or a drop). */
  ended: boolean;
}

/**
 * A WebSocket connection over a bare TCP socket, for sending what no real client would.
 * Completes a normal handshake first.
 */
export class RawSocket {
  readonly socket: Socket;
  #received: Buffer[] = [];
  #ended = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk) => this.#received.push(chunk));
    socket.on("close", () => {
      this.#ended = true;
    });
    socket.on("error", () => {});
  }

  /** The response head of the handshake (status line and headers). */
  head = "";

  static async open(
    port: number,
    path = "/",
    headers: Record<string, string | null> = {},
  ): Promise<RawSocket> {
    const socket = connect(port, "127.0.0.1");
    const raw = new RawSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.write(upgradeRequest(path, headers));
    await raw.#until(() => raw.#text().includes("\r\n\r\n"), 3000);
    if (!raw.#text().startsWith("HTTP/1.1 101"))
      throw new Error(`handshake failed: ${raw.#text().slice(0, 80)}`);
    const end = raw.#bytes().indexOf("\r\n\r\n");
    raw.head = raw.#text().slice(0, end);
    raw.#received = [Buffer.from(raw.#bytes().subarray(end + 4))];
    return raw;
  }

  /** The frames the server sent so far (a partial frame at the end is left out). */
  frames(): ServerFrame[] {
    return serverFrames(this.#bytes());
  }

  /** True once the TCP connection is closed. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Waits until `check` holds or `timeoutMs` passes; returns whether it held. */
  async waitFor(check: (raw: RawSocket) => boolean, timeoutMs = 3000): Promise<boolean> {
    await this.#until(() => check(this), timeoutMs);
    return check(this);
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Waits until the server closes (frame or TCP) or `timeoutMs` passes. */
  async outcome(timeoutMs = 3000): Promise<RawOutcome> {
    await this.#until(() => this.#ended || serverCloseCode(this.#bytes()) !== undefined, timeoutMs);
    const closeCode = serverCloseCode(this.#bytes());
    const ended = this.#ended || closeCode !== undefined;
    this.socket.destroy();
    return closeCode === undefined ? { ended } : { closeCode, ended };
  }

  /** Drops the connection. */
  destroy(): void {
    this.socket.destroy();
  }

  #bytes(): Buffer {
    return Buffer.concat(this.#received);
  }

  #text(): string {
    return this.#bytes().toString("latin1");
  }

  async #until(check: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  }
}
