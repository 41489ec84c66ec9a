import type { WebSocket } from "uWebSockets.js";
import type { EngineSocket, FramePart, SocketEvents } from "@switchboard/core";

/** What each uWS socket carries from the upgrade to its events. */
export interface SocketData {
  context: unknown;
  protocol: string;
  events?: SocketEvents;
}

/** A user topic's name in uWS: prefixed, so it never meets the binding's own "all". */
export function engineTopic(topic: string): string {
  return `t/${topic}`;
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

function sendFrame(
  ws: WebSocket<SocketData>,
  data: Uint8Array | string,
  binary: boolean,
  part: FramePart,
  compress: boolean,
): void {
  if (part === "whole") ws.send(data, binary, compress);
  else if (part === "first") ws.sendFirstFragment(data, binary, compress);
  else if (part === "middle") ws.sendFragment(data, compress);
  else ws.sendLastFragment(data, compress);
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
  readonly compress: boolean;

  constructor(ws: WebSocket<SocketData>, compress: boolean) {
    this.ws = ws;
    this.compress = compress;
  }

  send(data: Uint8Array | string, binary: boolean, part: FramePart): void {
    const ws = this.ws;
    // A reply from inside the socket's own callback is corked by uWS already. Sends from any
    // other tick (timers, awaits) or to other sockets are corked here, so each is one syscall.
    const compress = this.compress;
    if (corkedByEngine === ws) sendFrame(ws, data, binary, part, compress);
    else ws.cork(() => sendFrame(ws, data, binary, part, compress));
  }

  get bufferedAmount(): number {
    return this.ws.getBufferedAmount();
  }

  close(code: number, reason: string): void {
    this.ws.end(code, reason);
  }

  terminate(): void {
    this.ws.close();
  }

  ping(): void {
    this.ws.ping();
  }

  subscribe(topic: string): void {
    this.ws.subscribe(engineTopic(topic));
  }

  unsubscribe(topic: string): void {
    this.ws.unsubscribe(engineTopic(topic));
  }
}

/** Engine operations on one uWS socket; `compress` when permessage-deflate is on. */
export function engineSocket(ws: WebSocket<SocketData>, compress: boolean): EngineSocket {
  return new UwsEngineSocket(ws, compress);
}
