import type { Transport, TransportEvents, TransportOptions } from "@switchboard/client-core";

/** One connection on the browser's own WebSocket, its events translated for the shared client. */
export function browserTransport(
  url: string,
  options: TransportOptions,
  events: TransportEvents,
): Transport {
  const ws = new WebSocket(url, options.protocols);
  ws.binaryType = "arraybuffer";
  ws.onopen = events.open;
  ws.onmessage = ({ data }) => {
    const text = typeof data === "string";
    events.message(text ? data : new Uint8Array(data), !text);
  };
  // No onerror: browsers deliberately hide why a connection failed; the close code says enough.
  ws.onclose = ({ code, reason }) => events.close(code, reason);
  return ws;
}
