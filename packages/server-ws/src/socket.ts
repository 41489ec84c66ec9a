import type { Duplex } from "node:stream";
import type { EngineHost, EngineSocket } from "@switchboard/core";
import type { WebSocket } from "ws";

/** Connects one ws socket to core: engine events in, engine operations out. */
export function bindSocket(
  host: EngineHost,
  ws: WebSocket,
  tcp: Duplex,
  context: unknown,
  protocol: string,
): void {
  const socket: EngineSocket = {
    send(data, binary, part) {
      ws.send(data, { binary, fin: part === "whole" || part === "last", compress: false });
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
  };
  const events = host.open(socket, context, protocol);
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    events.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), isBinary);
  });
  ws.on("close", (code: number, reason: Buffer) => events.close(code, reason.toString()));
  // ws closes the connection itself after a protocol error; "close" follows.
  ws.on("error", () => {});
  tcp.on("drain", () => events.drain());
}
