import {
  type Backend,
  type EngineHost,
  isUpgradeRequest,
  rejection,
  type UpgradeResponder,
  uwsClose,
} from "@switchboard/core/backend";
import { bunDeflate } from "./deflate.js";
import { type BunServer, loadBun } from "./engine.js";
import { BunExchange, type RequestHead, requestHead, responseInit } from "./exchange.js";
import { asText, bunSocketOf, closing, engineSocket, type SocketData } from "./socket.js";

/** Options of `bunBackend()`. Limits and policy are set on the server, not here. */
export type BunBackendOptions = Record<string, never>;

/**
 * Bun answers 413 on a body over `maxRequestBodySize`. This much headroom lets core see it and
 * apply its own policy, the same on every engine.
 */
const OVERSIZE_HEADROOM = 16 * 1024 * 1024;

/**
 * Room in a socket's buffer past `maxBufferedBytes` for what core does not send itself: the
 * pongs Bun answers with and the close frame. Core closes a socket before it gets here.
 */
const CONTROL_HEADROOM = 64 * 1024;

/** Bun's idle timeout for HTTP connections is whole seconds, at most 255. */
const MAX_IDLE_SECONDS = 255;

/**
 * The Bun engine: HTTP and WebSockets from `Bun.serve`, with Bun's native pub/sub for broadcasts.
 * Runs only under Bun.
 *
 * @example
 * import { bunBackend } from "@switchboard/server-bun";
 * const server = new ChatServer({ backend: bunBackend() });
 */
export function bunBackend(_options: BunBackendOptions = {}): Backend {
  const bun = loadBun();
  /** The running server, the size from which it compresses (permessage-deflate), and how long close() lets responses drain. */
  let running: { server: BunServer; threshold: number; drainMs: number } | undefined;
  return {
    name: "bun",
    async listen(host, address) {
      if (running) throw new Error("bun backend is already listening");
      const { limits } = host;
      const deflate = host.deflate;
      // The only head timeout Bun has: a connection quiet this long is closed.
      const idleSeconds = Math.min(
        MAX_IDLE_SECONDS,
        Math.max(1, Math.ceil(limits.headersTimeoutMs / 1000)),
      );
      const server = bun.serve<SocketData>({
        hostname: address.host,
        port: address.port,
        ...(address.tls && { tls: address.tls }),
        maxRequestBodySize: limits.maxBodyBytes + OVERSIZE_HEADROOM,
        idleTimeout: idleSeconds,
        fetch: (request, bunServer) => {
          const head = requestHead(request, bunServer);
          if (isUpgradeRequest(head.headers)) return upgrade(host, bunServer, request, head);
          const exchange = new BunExchange(request, head, bunServer, idleSeconds);
          host.http(exchange);
          return exchange.reply();
        },
        websocket: {
          // Bun counts every fragment and inflated byte against this at each frame header, and
          // closes with 1009 past it: an unfinished message holds at most maxMessageBytes.
          maxPayloadLength: limits.maxMessageBytes,
          // Core refuses sends past maxBufferedBytes itself; Bun must never drop one silently.
          backpressureLimit: limits.maxBufferedBytes + limits.maxMessageBytes + CONTROL_HEADROOM,
          closeOnBackpressureLimit: false,
          // Core runs heartbeats and idle timeouts the same on every engine.
          idleTimeout: 0,
          sendPings: false,
          publishToSelf: false,
          perMessageDeflate: bunDeflate(deflate),
          open: (ws) => {
            const data = ws.data;
            data.events = host.open(
              engineSocket(ws, deflate?.threshold),
              data.context,
              data.protocol,
            );
            // Core has taken what it needs; the socket's data need not keep it.
            data.context = undefined;
            data.events.open();
          },
          // Bun hands text over decoded (and checked), binary as a buffer the socket owns no more.
          message: (ws, message) => ws.data.events?.message(message, typeof message !== "string"),
          // Bun sends 1009 on an oversize message but reports it as 1006: core reports 1009.
          close: (ws, code, reason) => ws.data.events?.close(...uwsClose(code, reason)),
          drain: (ws) => {
            ws.data.events?.drain();
            closing.drained(ws);
          },
          pong: (ws) => ws.data.events?.pong(),
          ping: (ws) => ws.data.events?.pinged(),
        },
      });
      running = {
        server,
        threshold: deflate?.threshold ?? Number.POSITIVE_INFINITY,
        drainMs: limits.closeTimeoutMs,
      };
      return { port: server.port };
    },
    publish(topic, data, binary, exclude) {
      if (!running) return;
      const { server, threshold } = running;
      const deflate = data.byteLength >= threshold;
      // Bun leaves out the socket a publish is made from; it sends text only from a string.
      const sender = exclude && bunSocketOf(exclude);
      if (binary) {
        if (sender) sender.publishBinary(topic, data, deflate);
        else server.publish(topic, data, deflate);
      } else if (sender) sender.publishText(topic, asText(data), deflate);
      else server.publish(topic, asText(data), deflate);
    },
    async close() {
      const stopping = running;
      running = undefined;
      if (!stopping) return;
      // Core has closed every socket. `stop(false)` stops listening and lets responses already
      // written finish; past `closeTimeoutMs`, `true` drops what is left (streams, keep-alive).
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        stopping.server.stop(false),
        new Promise((resolve) => {
          timer = setTimeout(resolve, stopping.drainMs);
        }),
      ]);
      clearTimeout(timer);
      await stopping.server.stop(true);
    },
  };
}

/**
 * Hands an upgrade to core; resolves what `fetch` returns once core has decided. The client
 * going away is watched only while a decision is pending after `host.upgrade` returned, and no
 * longer once it is made: a listener on the request's signal keeps the request and the whole
 * admission alive for as long as the connection lasts (Bun never aborts an upgraded request).
 */
function upgrade(
  host: EngineHost,
  server: BunServer,
  request: Request,
  head: RequestHead,
): Response | Promise<Response | undefined> | undefined {
  let decided: { response: Response | undefined } | undefined;
  let settle: ((response: Response | undefined) => void) | undefined;
  let onAbort: (() => void) | undefined;
  let watching = false;
  const answer = (response: Response | undefined) => {
    if (decided) return;
    decided = { response };
    if (watching && onAbort) request.signal.removeEventListener("abort", onAbort);
    settle?.(response);
  };
  const reject: UpgradeResponder["reject"] = (response, body) =>
    answer(new Response(body, responseInit(response)));
  host.upgrade(head, {
    accept(protocol, context) {
      if (decided) return;
      const data: SocketData = { context, protocol };
      // Always set: without it Bun agrees to the first protocol the client offered, which core
      // did not choose (an empty value sends none).
      const upgraded = server.upgrade(request, {
        data,
        headers: { "sec-websocket-protocol": protocol },
      });
      if (upgraded) answer(undefined);
      else reject(...rejection(400, "not a WebSocket handshake"));
    },
    reject,
    onAbort(callback) {
      onAbort = callback;
    },
  });
  if (decided) return decided.response;
  if (onAbort) {
    watching = true;
    request.signal.addEventListener("abort", onAbort, { once: true });
  }
  server.timeout(request, 0);
  return new Promise((resolve) => {
    settle = resolve;
  });
}
