import type { Duplex } from "node:stream";
import { CloseCode } from "@switchboard/core";
import {
  copyBytes,
  type EngineHost,
  type EngineSocket,
  type FramePart,
  releaseCopy,
  type SharedMessage,
  type SocketEvents,
} from "@switchboard/core/backend";
import type { WebSocket } from "ws";

/**
 * Engine operations on one ws socket. A class rather than an object of closures: the methods
 * are shared, so each connection costs one small object.
 */
class WsEngineSocket implements EngineSocket {
  readonly ws: WebSocket;
  /** ws compresses only when the client negotiated permessage-deflate. */
  readonly compress: boolean;
  /** The connection ws writes its frames to. */
  readonly tcp: Duplex;
  /** Where the socket's events go, once core opened it. */
  events: SocketEvents | undefined = undefined;
  /**
   * ws stops reading once it refuses a message, so it never sees the peer's answer and reports
   * 1006: the 1009 it sent is reported instead, as the other engines do.
   */
  tooBig = false;

  constructor(ws: WebSocket, compress: boolean, tcp: Duplex) {
    this.ws = ws;
    this.compress = compress;
    this.tcp = tcp;
  }

  /**
   * A broadcast: framed once for every recipient and written to each connection as it is, where
   * ws frames and copies the message for each. ws itself writes an uncompressed frame straight
   * to the connection as well, so the frame lands exactly where ws would have put it. Where ws
   * may still hold earlier messages (permessage-deflate in use) or no longer sends (closing),
   * ws sends it.
   */
  sendShared(message: SharedMessage): number {
    const ws = this.ws;
    if (ws.readyState !== OPEN || ws.extensions !== "") {
      return this.send(message.payload, message.binary);
    }
    message.encoded ??= frame(message.payload, message.binary);
    this.tcp.write(message.encoded as Buffer);
    return ws.bufferedAmount;
  }

  send(data: Uint8Array | string, binary: boolean): number {
    return this.#frame(data, sendOptions(binary, true, this.compress));
  }

  sendFragment(data: Uint8Array | string, binary: boolean, part: FramePart): number {
    return this.#frame(data, sendOptions(binary, part === "last", this.compress));
  }

  #frame(data: Uint8Array | string, options: SendOptions): number {
    const ws = this.ws;
    if (typeof data === "string") {
      ws.send(data, options);
      return ws.bufferedAmount;
    }
    // ws queues the caller's buffer itself until the kernel takes it; core promises callers
    // they may reuse theirs at once (as uWS copies), so hand ws a copy.
    const copy = copyBytes(data);
    ws.send(copy, options);
    const buffered = ws.bufferedAmount;
    // Nothing buffered: the kernel took it all and nothing refers to the copy any more.
    if (buffered === 0) releaseCopy(copy);
    return buffered;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Destroys the socket: no close frame, and no wait for ws's closeTimeout. */
  terminate(): void {
    this.ws.terminate();
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  ping(): void {
    this.ws.ping();
  }
}

/** `WebSocket.OPEN`. */
const OPEN = 1;

/** One unmasked final frame (RFC 6455 5.2), as a server sends it: the head and the payload in one buffer. */
function frame(payload: Uint8Array, binary: boolean): Buffer {
  const length = payload.byteLength;
  const headLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headLength + length);
  out[0] = 0x80 | (binary ? 0x2 : 0x1);
  if (length < 126) out[1] = length;
  else if (length < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  out.set(payload, headLength);
  return out;
}

type SendOptions = Readonly<{ binary: boolean; fin: boolean; compress: boolean }>;

/** Every combination, built once: ws only reads them, and a send should not allocate one. */
const SEND_OPTIONS: readonly SendOptions[] = Array.from({ length: 8 }, (_, bits) =>
  Object.freeze({ binary: (bits & 1) !== 0, fin: (bits & 2) !== 0, compress: (bits & 4) !== 0 }),
);

function sendOptions(binary: boolean, fin: boolean, compress: boolean): SendOptions {
  return SEND_OPTIONS[(binary ? 1 : 0) | (fin ? 2 : 0) | (compress ? 4 : 0)] as SendOptions;
}

/** The engine socket of a ws socket (and of its TCP connection), for the shared listeners. */
const ENGINE_SOCKET = Symbol("switchboard.engineSocket");
type Bound = { [ENGINE_SOCKET]: WsEngineSocket };

/** Connects one ws socket to core: engine events in, engine operations out. */
export function bindSocket(
  host: EngineHost,
  ws: WebSocket,
  tcp: Duplex,
  context: unknown,
  protocol: string,
): void {
  const socket = new WsEngineSocket(ws, host.deflate !== undefined, tcp);
  const events = host.open(socket, context, protocol);
  socket.events = events;
  // One set of listeners for every socket, which finds its own through `this`: no closures
  // and no scope per connection.
  (ws as unknown as Bound)[ENGINE_SOCKET] = socket;
  (tcp as unknown as Bound)[ENGINE_SOCKET] = socket;
  ws.on("message", onMessage);
  ws.on("close", onClose);
  ws.on("pong", onPong);
  ws.on("ping", onPing);
  // ws closes the connection itself after a protocol error; "close" follows.
  ws.on("error", onError);
  tcp.on("drain", onDrain);
  events.open();
}

function eventsOf(emitter: object): SocketEvents | undefined {
  return (emitter as Bound)[ENGINE_SOCKET].events;
}

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  eventsOf(this)?.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), isBinary);
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const socket = (this as unknown as Bound)[ENGINE_SOCKET];
  if (socket.tooBig) socket.events?.close(CloseCode.MESSAGE_TOO_BIG, "message too big");
  else socket.events?.close(code, reason.toString());
}

function onPong(this: WebSocket): void {
  eventsOf(this)?.pong();
}

function onPing(this: WebSocket): void {
  eventsOf(this)?.pinged();
}

function onError(this: WebSocket, error: Error & { code?: string }): void {
  if (error.code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") {
    (this as unknown as Bound)[ENGINE_SOCKET].tooBig = true;
  }
}

function onDrain(this: Duplex): void {
  eventsOf(this)?.drain();
}
