/**
 * A minimal WebSocket client on a raw TCP socket, made for load: frames are built straight into
 * one buffer per batch and written with one syscall, incoming frames are parsed in place. A
 * general client (ws, socket.io-client) would cost the load process more CPU per message than
 * the servers under test spend, and on two cores the load process is the usual limit.
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import bufferUtil from "bufferutil";

const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;

export const LOOPBACK = "127.0.0.1";

export interface WsHandlers {
  /** A whole text or binary message; `payload` is only valid during the call. */
  message(payload: Buffer, connection: WsConnection, binary: boolean): void;
  /** The connection is gone (after a close handshake or a dropped socket). */
  closed(): void;
  /** Called once after each batch of incoming data, to flush writes queued in `message`. */
  afterData?(): void;
}

/** Thrown for anything a correct server never sends. */
export class ProtocolViolation extends Error {}

export class WsConnection {
  readonly socket: net.Socket;
  #handlers: WsHandlers;
  #pending: Buffer | undefined;
  // A fixed non-zero key: servers unmask every frame for real, the client masks in native code.
  readonly #mask = randomBytes(4);
  #closing = false;
  violations = 0;

  constructor(socket: net.Socket, leftover: Buffer, handlers: WsHandlers) {
    this.socket = socket;
    this.#handlers = handlers;
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("close", () => handlers.closed());
    if (leftover.length > 0) queueMicrotask(() => this.#onData(leftover));
  }

  /** Size on the wire of a client frame carrying `payloadLength` bytes. */
  static frameSize(payloadLength: number): number {
    return headerSize(payloadLength) + payloadLength;
  }

  /**
   * Writes a masked text frame for `payload` (already in `target` at `offset + header`) —
   * callers fill many frames into one buffer, then `write` it once.
   */
  frameAt(target: Buffer, offset: number, payload: Buffer, opcode = OPCODE_TEXT): number {
    const length = payload.length;
    let at = offset;
    target[at++] = 0x80 | opcode;
    if (length < 126) {
      target[at++] = 0x80 | length;
    } else if (length < 65536) {
      target[at++] = 0x80 | 126;
      target.writeUInt16BE(length, at);
      at += 2;
    } else {
      target[at++] = 0x80 | 127;
      target.writeUInt32BE(0, at);
      target.writeUInt32BE(length, at + 4);
      at += 8;
    }
    this.#mask.copy(target, at);
    at += 4;
    bufferUtil.mask(payload, this.#mask, target, at, length);
    return at + length - offset;
  }

  /** One text message in its own write. */
  sendText(text: string): void {
    const payload = Buffer.from(text);
    const frame = Buffer.allocUnsafe(WsConnection.frameSize(payload.length));
    this.frameAt(frame, 0, payload);
    this.socket.write(frame);
  }

  /** Starts the closing handshake (1000); `closed` runs when the server has answered. */
  close(): void {
    if (this.#closing || this.socket.destroyed) return;
    this.#closing = true;
    this.#control(OPCODE_CLOSE, Buffer.from([0x03, 0xe8]));
  }

  #control(opcode: number, payload: Buffer): void {
    const frame = Buffer.allocUnsafe(WsConnection.frameSize(payload.length));
    this.frameAt(frame, 0, payload, opcode);
    this.socket.write(frame);
  }

  #onData(chunk: Buffer): void {
    const data = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    let at = 0;
    try {
      while (data.length - at >= 2) {
        const first = data[at] as number;
        const second = data[at + 1] as number;
        if ((second & 0x80) !== 0 || (first & 0x80) === 0) {
          // Servers never mask, and none of the servers here fragments a message this size.
          throw new ProtocolViolation(
            `unexpected frame header ${first.toString(16)} ${second.toString(16)}`,
          );
        }
        let length = second & 0x7f;
        let header = 2;
        if (length === 126) {
          if (data.length - at < 4) break;
          length = data.readUInt16BE(at + 2);
          header = 4;
        } else if (length === 127) {
          if (data.length - at < 10) break;
          length = data.readUInt32BE(at + 6);
          header = 10;
        }
        if (data.length - at < header + length) break;
        const payload = data.subarray(at + header, at + header + length);
        at += header + length;
        this.#onFrame(first & 0x0f, payload);
      }
    } catch (error) {
      this.violations++;
      this.socket.destroy(error as Error);
      return;
    }
    if (at < data.length) this.#pending = Buffer.from(data.subarray(at));
    this.#handlers.afterData?.();
  }

  #onFrame(opcode: number, payload: Buffer): void {
    if (opcode === OPCODE_PING) {
      this.#control(OPCODE_PONG, payload);
      return;
    }
    if (opcode === OPCODE_PONG) return;
    if (opcode === OPCODE_CLOSE) {
      if (!this.#closing) {
        this.#closing = true;
        this.#control(OPCODE_CLOSE, payload.subarray(0, 2));
      }
      this.socket.end();
      return;
    }
    this.#handlers.message(payload, this, opcode !== OPCODE_TEXT);
  }
}

function headerSize(payloadLength: number): number {
  return (payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10) + 4;
}

/** Opens a TCP connection and completes the WebSocket handshake for `path`. */
export function connectWebSocket(
  port: number,
  path: string,
  handlers: WsHandlers,
  timeoutMs = 10_000,
  protocol?: string,
): Promise<WsConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: LOOPBACK, port, noDelay: true });
    let head: Buffer = Buffer.alloc(0);
    const timer = setTimeout(
      () => fail(new Error(`handshake timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      socket.off("data", onData);
      socket.off("error", fail);
      clearTimeout(timer);
      const statusLine = head.toString("latin1", 0, head.indexOf("\r\n"));
      if (!statusLine.startsWith("HTTP/1.1 101"))
        return fail(new Error(`upgrade refused: ${statusLine}`));
      // Errors after the handshake surface as "close"; the handlers count what went missing.
      socket.on("error", () => {});
      resolve(new WsConnection(socket, head.subarray(end + 4), handlers));
    };
    socket.on("data", onData);
    socket.on("error", fail);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${LOOPBACK}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n` +
        (protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : "") +
        "\r\n",
    );
  });
}
