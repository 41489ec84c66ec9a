import type { Transport, TransportEvents } from "@switchboard/client-core";
import { WebSocket } from "ws";

/** What the Node client adds to each connection attempt. */
export interface NodeTransportOptions {
  protocols: string[];
  headers: Record<string, string> | undefined;
}

/** One connection on ws, translated into the shared client's events. */
export function wsTransport(
  url: string,
  options: NodeTransportOptions,
  events: TransportEvents,
): Transport {
  const ws = new WebSocket(url, options.protocols, {
    headers: options.headers,
    perMessageDeflate: false,
  });
  ws.on("open", () => events.open(ws.protocol));
  ws.on("message", (data: Buffer, binary: boolean) => {
    // A plain Uint8Array view over ws's buffer: no copy, and no Buffer leaking into the API.
    events.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), binary);
  });
  // ws emits "error" before "close" for a refused or failed connection; without a listener it would crash.
  ws.on("error", (error) => events.error(error));
  ws.on("close", (code, reason) => events.close(code, reason.toString()));
  return {
    send(data) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(data, { binary: typeof data !== "string" });
      return true;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    close(code, reason) {
      ws.close(code, reason);
    },
  };
}
