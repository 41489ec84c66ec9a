import type { WebSocket } from "uWebSockets.js";
import {
  copyBytes,
  type EngineSocket,
  type FramePart,
  type SocketEvents,
} from "@switchboard/core/backend";

/** What each uWS socket carries from the upgrade to its events. */
export interface SocketData {
  context: unknown;
  protocol: string;
  events?: SocketEvents;
}

/** The socket whose uWS callback is running: uWS has corked it already. */
let corkedByEngine: WebSocket<SocketData> | undefined;

/** Runs `task` as the body of a uWS callback of `ws` (open, message, drain). */
export function insideEngineCallback(ws: WebSocket<SocketData>, task: () => void): void {
  const outer = corkedByEngine;
  corkedByEngine = ws;
  try {
    task();
  } finally {
    corkedByEngine = outer;
  }
}

/**
 * Delivers a message from inside the socket's callback. Written out rather than through
 * `insideEngineCallback`, as it runs for every message and a closure each time shows.
 */
export function deliverMessage(
  ws: WebSocket<SocketData>,
  events: SocketEvents,
  message: ArrayBuffer,
  binary: boolean,
): void {
  const outer = corkedByEngine;
  corkedByEngine = ws;
  try {
    // uWS neuters the ArrayBuffer when the callback returns: copy it.
    events.message(copyBytes(message), binary);
  } finally {
    corkedByEngine = outer;
  }
}

/** uWS `send` status: queued with nothing left in the socket's backpressure buffer. */
const SENT_WITHOUT_BACKPRESSURE = 1;

/** Sends a frame (`part` undefined: a whole message); returns the buffered amount after it. */
function sendFrame(
  ws: WebSocket<SocketData>,
  data: Uint8Array | string,
  binary: boolean,
  part: FramePart | undefined,
  compress: boolean,
): number {
  if (part === undefined) {
    // uWS reports success only when its backpressure buffer is empty: no need to ask for it.
    if (ws.send(data, binary, compress) === SENT_WITHOUT_BACKPRESSURE) return 0;
  } else if (part === "first") ws.sendFirstFragment(data, binary, compress);
  else if (part === "middle") ws.sendFragment(data, compress);
  else ws.sendLastFragment(data, compress);
  return ws.getBufferedAmount();
}

/** The uWS socket behind an engine socket made by `engineSocket`. */
export function uwsSocketOf(socket: EngineSocket): WebSocket<SocketData> | undefined {
  return socket instanceof UwsEngineSocket ? socket.ws : undefined;
}

/**
 * Engine operations on one uWS socket, in the shape core expects. A class rather than an object
 * of closures: one small object per connection instead of five closures and their context.
 */
class UwsEngineSocket implements EngineSocket {
  readonly ws: WebSocket<SocketData>;
  /** Frames this long or longer are compressed (permessage-deflate's threshold; off: Infinity). */
  readonly compressFrom: number;
  /** Prefix of its topics' uWS names: a backend on the application's app keeps apart from it. */
  readonly namespace: string;

  constructor(ws: WebSocket<SocketData>, compressFrom: number, namespace: string) {
    this.ws = ws;
    this.compressFrom = compressFrom;
    this.namespace = namespace;
  }

  send(data: Uint8Array | string, binary: boolean): number {
    return this.#frame(data, binary, undefined);
  }

  sendFragment(data: Uint8Array | string, binary: boolean, part: FramePart): number {
    return this.#frame(data, binary, part);
  }

  #frame(data: Uint8Array | string, binary: boolean, part: FramePart | undefined): number {
    const ws = this.ws;
    // A reply from inside the socket's own callback is corked by uWS already. Sends from any
    // other tick (timers, awaits) or to other sockets are corked here, so each is one syscall.
    // uWS has no threshold of its own: the flag is per frame. A string's length in characters
    // is close enough to its size for that decision.
    const compress =
      (typeof data === "string" ? data.length : data.byteLength) >= this.compressFrom;
    if (corkedByEngine === ws) return sendFrame(ws, data, binary, part, compress);
    let buffered = 0;
    ws.cork(() => {
      buffered = sendFrame(ws, data, binary, part, compress);
    });
    return buffered;
  }

  get bufferedAmount(): number {
    return this.ws.getBufferedAmount();
  }

  /** uWS's `end` is the closing handshake; its `close` is what `terminate` means. */
  close(code: number, reason: string): void {
    this.ws.end(code, reason);
  }

  terminate(): void {
    this.ws.close();
  }

  /** uWS answers the peer's pings itself; this is core's heartbeat. */
  ping(): void {
    this.ws.ping();
  }

  subscribe(topic: string): void {
    this.ws.subscribe(this.namespace + topic);
  }

  unsubscribe(topic: string): void {
    this.ws.unsubscribe(this.namespace + topic);
  }
}

/** Engine operations on one uWS socket; `threshold` with permessage-deflate on. */
export function engineSocket(
  ws: WebSocket<SocketData>,
  threshold: number | undefined,
  namespace = "",
): EngineSocket {
  return new UwsEngineSocket(ws, threshold ?? Number.POSITIVE_INFINITY, namespace);
}
