import type { Duplex } from "node:stream";
import { copyBytes, type EngineHost, type EngineSocket } from "@switchboard/core";
import type { WebSocket } from "ws";

/** Connects one ws socket to core: engine events in, engine operations out. */
export function bindSocket(
  host: EngineHost,
  ws: WebSocket,
  tcp: Duplex,
  context: unknown,
  protocol: string,
): void {
  // ws compresses only when the client negotiated permessage-deflate.
  const compress = host.perMessageDeflate;
  const socket: EngineSocket = {
    send(data, binary, part) {
      // ws queues the caller's buffer itself until the kernel takes it; core promises callers
      // they may reuse theirs at once (as uWS copies), so hand ws a copy.
      const payload = typeof data === "string" ? data : copyBytes(data);
      ws.send(payload, { binary, fin: part === "whole" || part === "last", compress });
      return ws.bufferedAmount;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    close(code, reason) {
      ws.close(code, reason);
    },
    terminate() {
      ws.terminate();
    },
    ping() {
      ws.ping();
    },
  };
  const events = host.open(socket, context, protocol);
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    events.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), isBinary);
  });
  ws.on("close", (code: number, reason: Buffer) => events.close(code, reason.toString()));
  ws.on("pong", () => events.pong());
  // ws closes the connection itself after a protocol error; "close" follows.
  ws.on("error", () => {});
  tcp.on("drain", () => events.drain());
  events.open();
}
