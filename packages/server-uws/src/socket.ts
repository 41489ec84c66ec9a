import type { WebSocket } from "uWebSockets.js";
import {
  copyBytes,
  type EngineSocket,
  type FramePart,
  type SocketEvents,
  UwsClosing,
} from "@switchboard/core/backend";

/**
 * What each uWS socket carries from the upgrade to its events. uWS copies these fields onto the
 * socket object it makes, into a property array of three slots: set all three at the upgrade,
 * and keep it at three.
 */
export interface SocketData {
  context: unknown;
  protocol: string;
  events: SocketEvents | undefined;
}

/** Closing handshakes, each held until its socket's backlog is out (the backend's drain tells). */
export const closing = new UwsClosing<WebSocket<SocketData>>((ws, code, reason) =>
  ws.end(code, reason),
);

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

/** What every socket of one behaviour shares: one object, not two fields per connection. */
export interface SocketSettings {
  /** Frames this long or longer are compressed (permessage-deflate's threshold; off: Infinity). */
  readonly compressFrom: number;
  /** Prefix of its topics' uWS names: a backend on the application's app keeps apart from it. */
  readonly namespace: string;
}

/**
 * Engine operations on one uWS socket, in the shape core expects. A class rather than an object
 * of closures: one small object per connection instead of five closures and their context, with
 * the settings every socket shares in one object of their own.
 */
class UwsEngineSocket implements EngineSocket {
  readonly ws: WebSocket<SocketData>;
  readonly settings: SocketSettings;

  constructor(ws: WebSocket<SocketData>, settings: SocketSettings) {
    this.ws = ws;
    this.settings = settings;
  }

  send(data: Uint8Array | string, binary: boolean): number {
    return frame(this.ws, this.settings, data, binary, undefined);
  }

  sendFragment(data: Uint8Array | string, binary: boolean, part: FramePart): number {
    return frame(this.ws, this.settings, data, binary, part);
  }

  get bufferedAmount(): number {
    return this.ws.getBufferedAmount();
  }

  /** uWS's `end` is the closing handshake; its `close` is what `terminate` means. */
  close(code: number, reason: string): void {
    closing.close(this.ws, code, reason);
  }

  terminate(): void {
    this.ws.close();
  }

  /** uWS answers the peer's pings itself; this is core's heartbeat. */
  ping(): void {
    this.ws.ping();
  }

  subscribe(topic: string): void {
    this.ws.subscribe(this.settings.namespace + topic);
  }

  unsubscribe(topic: string): void {
    this.ws.unsubscribe(this.settings.namespace + topic);
  }
}

/**
 * Sends one frame of `ws`. A module function rather than a private method: a class with private
 * methods gives each of its objects one more field.
 */
function frame(
  ws: WebSocket<SocketData>,
  settings: SocketSettings,
  data: Uint8Array | string,
  binary: boolean,
  part: FramePart | undefined,
): number {
  // A reply from inside the socket's own callback is corked by uWS already. Sends from any
  // other tick (timers, awaits) or to other sockets are corked here, so each is one syscall.
  // uWS has no threshold of its own: the flag is per frame. A string's length in characters
  // is close enough to its size for that decision.
  const compress =
    (typeof data === "string" ? data.length : data.byteLength) >= settings.compressFrom;
  if (corkedByEngine === ws) return sendFrame(ws, data, binary, part, compress);
  let buffered = 0;
  ws.cork(() => {
    buffered = sendFrame(ws, data, binary, part, compress);
  });
  return buffered;
}

/** The settings of a behaviour's sockets; `threshold` with permessage-deflate on. */
export function socketSettings(threshold: number | undefined, namespace = ""): SocketSettings {
  return Object.freeze({ compressFrom: threshold ?? Number.POSITIVE_INFINITY, namespace });
}

/** Engine operations on one uWS socket. */
export function engineSocket(ws: WebSocket<SocketData>, settings: SocketSettings): EngineSocket {
  return new UwsEngineSocket(ws, settings);
}
