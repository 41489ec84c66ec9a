import type { Transport, TransportEvents, TransportOptions } from "@switchboard/client-core";

/** `WebSocket.OPEN`. */
const OPEN = 1;

/** One connection on the browser's own WebSocket, translated into the shared client's events. */
export function browserTransport(
  url: string,
  options: TransportOptions,
  events: TransportEvents,
): Transport {
  const ws = new WebSocket(url, options.protocols);
  ws.binaryType = "arraybuffer";
  ws.onopen = () => events.open(ws.protocol);
  ws.onmessage = ({ data }) => {
    const text = typeof data === "string";
    events.message(text ? data : new Uint8Array(data), !text);
  };
  // Browsers deliberately hide why a connection failed.
  ws.onerror = () => events.error(new Error("connection failed"));
  ws.onclose = ({ code, reason }) => events.close(code, reason);
  return {
    send(data) {
      // A closing socket would silently discard the data.
      if (ws.readyState !== OPEN) return false;
      ws.send(data);
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
