import { attemptError, type Transport, type TransportEvents } from "@switchboard/client-core";
import { WebSocket } from "ws";
import { retryAfterMs } from "./retry-after.js";

/**
 * How long `close()` waits for the server's close frame before dropping the connection, as the
 * server waits for its peers (`closeTimeoutMs`); ws alone would wait 30 s.
 */
const CLOSE_TIMEOUT_MS = 5000;

/** What the Node client adds to each connection attempt. */
export interface NodeTransportOptions {
  protocols: string | string[];
  text?: boolean | undefined;
  headers: Record<string, string> | undefined;
}

/** One connection on ws, its events translated for the shared client. */
export function wsTransport(
  url: string,
  options: NodeTransportOptions,
  events: TransportEvents,
): Transport {
  const ws = new WebSocket(url, options.protocols, {
    headers: options.headers,
    perMessageDeflate: false,
  });
  // What went wrong, reported with the close that follows: ws sees what browsers hide.
  let failure: Error | undefined;
  let status: number | undefined;
  let retryAfter: number | undefined;
  ws.on("open", events.onopen);
  ws.on("message", (data: Buffer, binary: boolean) => {
    // A closing WebSocket delivers nothing in browsers (the message was sent before the server
    // saw the close); ws would, so the two clients behave alike.
    if (ws.readyState !== WebSocket.OPEN) return;
    events.onmessage(
      {
        data:
          options.text && !binary
            ? data.toString()
            : // A plain Uint8Array view over ws's buffer: no copy, and no Buffer leaking into the API.
              new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      },
      binary,
    );
  });
  // An upgrade answered with a status instead of 101: keep it for the close, then fail the
  // attempt as ws would without this listener (it emits "error", then "close" with 1006).
  ws.on("unexpected-response", (_request, response) => {
    status = response.statusCode ?? 0;
    // Retry-After is what 429 and 503 say about when to come back (RFC 6585, RFC 9110).
    const after = status === 429 || status === 503 ? response.headers["retry-after"] : "";
    retryAfter = retryAfterMs(after);
    ws.terminate();
  });
  // ws emits "error" before "close" when a connection fails; without a listener it would crash.
  ws.on("error", (error) => {
    failure = error;
  });
  const close = ws.close.bind(ws);
  ws.close = (code, reason) => {
    close(code, reason);
    setTimeout(() => ws.terminate(), CLOSE_TIMEOUT_MS).unref();
  };
  ws.on("close", (code, reason) => {
    // Ignored by the client unless the attempt never opened.
    const error = status
      ? attemptError("UPGRADE_REFUSED", url, status, failure, { status, retryAfter })
      : failure && attemptError("CONNECT_FAILED", url, failure.message, failure);
    events.onclose({ code, reason: reason.toString(), error });
  });
  return ws;
}
