import type {
  HttpRequest,
  HttpResponse,
  TemplatedApp,
  us_listen_socket,
  us_socket_context_t,
  WebSocketBehavior,
} from "uWebSockets.js";
import { SwitchboardError } from "@switchboard/core";
import {
  type Backend,
  type DeflateSettings,
  type EngineHost,
  type EngineSocket,
  isUpgradeRequest,
  uwsClose,
  uwsCompression,
} from "@switchboard/core/backend";
import { appBackend, type UwsAppOptions } from "./app.js";
import { watchDescriptors } from "./descriptors.js";
import { type Engine, lentText, loadEngine, sslApp, type UwsEngine } from "./engine.js";
import { UwsExchange } from "./exchange.js";
import { allWritten } from "./flushing.js";
import { listenExclusive } from "./listen.js";
import { copyHeaders, requestMethod, requestUrl } from "./request.js";
import {
  closing,
  deliverMessage,
  engineSocket,
  insideEngineCallback,
  type SocketData,
  socketSettings,
  uwsSocketOf,
} from "./socket.js";
import { UwsUpgrade } from "./upgrade.js";

/** Options of `uwsBackend()`. Limits and policy are set on the server, not here. */
export interface UwsBackendOptions {
  /**
   * The uWebSockets.js module to run on, already imported: for a build installed under another
   * name (an npm alias, a vendored copy). By default the `uWebSockets.js` package is loaded.
   *
   * @example
   * import uWS from "my-uws-build";
   * const backend = uwsBackend({ engine: uWS });
   */
  engine?: UwsEngine;
}

/**
 * Room in a socket's buffer past `maxBufferedBytes` for what core does not send itself: the
 * pongs uWS answers with and the close frame. Core closes a socket before it gets here.
 */
const CONTROL_HEADROOM = 64 * 1024;

/**
 * The uWebSockets.js engine: HTTP and WebSockets from one native event loop.
 *
 * @example
 * import { uwsBackend } from "@switchboard/server-uws";
 * const server = new ChatServer({ backend: uwsBackend() });
 */
export function uwsBackend(options?: UwsBackendOptions): Backend;
/** On a uWebSockets.js app the application built: see `UwsAppOptions`. */
export function uwsBackend(options: UwsAppOptions): Backend;
export function uwsBackend(options: UwsBackendOptions | UwsAppOptions = {}): Backend {
  const uWS = loadEngine(options.engine);
  if ("app" in options) return appBackend(uWS, options);
  let app: TemplatedApp | undefined;
  let listenSocket: us_listen_socket | undefined;
  let deflate: number | undefined;
  let drainMs = 0;
  let descriptors: { stop(): void } | undefined;
  /** The out-of-descriptors warning is given once per backend. */
  let warned = false;
  return {
    name: "uws",
    async listen(host, address) {
      if (app) throw new Error("uws backend is already listening");
      deflate = host.deflate?.threshold;
      drainMs = host.limits.closeTimeoutMs;
      const next = address.tls ? await sslApp(uWS, address.tls) : uWS.App();
      next.ws<SocketData>("/*", socketBehavior(uWS, host, ""));
      next.any("/*", (res, req) => serveRequest(host, res, req));
      listenSocket = await listenExclusive(next, address.host, address.port);
      const port = uWS.us_socket_local_port(listenSocket);
      app = next;
      descriptors = watchDescriptors({
        pause() {
          if (listenSocket) uWS.us_listen_socket_close(listenSocket);
          listenSocket = undefined;
          if (warned) return;
          warned = true;
          console.warn(
            `[switchboard] uws: the process is out of file descriptors; new connections to port ${port} are refused until some close (open channels are served as before). Raise the limit (ulimit -n) or lower maxConnections.`,
          );
        },
        resume() {
          listenExclusive(next, address.host, port).then(
            (socket) => {
              // Closed (or paused again) while the listen was under way.
              if (app !== next || listenSocket) uWS.us_listen_socket_close(socket);
              else listenSocket = socket;
            },
            (error) =>
              console.error(`[switchboard] uws: could not listen on port ${port} again:`, error),
          );
        },
      });
      return { port };
    },
    publish(topic, data, binary, exclude) {
      if (app) publish(app, "", topic, data, binary, exclude, deflate);
    },
    async close() {
      descriptors?.stop();
      descriptors = undefined;
      // Release the port synchronously, so listen() on it right after close() succeeds.
      if (listenSocket) uWS.us_listen_socket_close(listenSocket);
      listenSocket = undefined;
      const closing = app;
      app = undefined;
      // Responses already written leave before their connections close, within the bound.
      await allWritten(drainMs);
      // close() exists in this uWS build (closes listen and open sockets) but is missing from its types.
      (closing as (TemplatedApp & { close(): void }) | undefined)?.close();
    },
  };
}

/** Switchboard's WebSocket behaviour on a uWS app; `namespace` prefixes its topics' names. */
export function socketBehavior(
  uWS: Engine,
  host: EngineHost,
  namespace: string,
): WebSocketBehavior<SocketData> {
  const settings = socketSettings(host.deflate?.threshold, namespace);
  return {
    // uWS counts every fragment and inflated byte against this, at each frame header: an
    // unfinished message holds at most maxMessageBytes. Past it uWS drops TCP (no 1009 frame).
    maxPayloadLength: host.limits.maxMessageBytes,
    // Core refuses sends past maxBufferedBytes itself; uWS must never drop one silently.
    maxBackpressure: host.limits.maxBufferedBytes + host.limits.maxMessageBytes + CONTROL_HEADROOM,
    closeOnBackpressureLimit: 0,
    idleTimeout: 0,
    sendPingsAutomatically: false,
    compression: compressionOf(uWS, host.deflate),
    // uWS takes any GET with a Sec-WebSocket-Key for an upgrade; node:http asks for
    // `Connection: upgrade` too, and a request without it is plain HTTP on every engine.
    upgrade: (res, req, context) => serveRequest(host, res, req, context),
    open: (ws) => {
      const data = ws.getUserData();
      data.events = host.open(engineSocket(ws, settings), data.context, data.protocol);
      // Core has taken what it needs; the socket's user data need not keep it.
      data.context = undefined;
      insideEngineCallback(ws, () => data.events?.open());
    },
    message: (ws, message, isBinary) => {
      const events = ws.getUserData().events;
      if (events) deliverMessage(ws, events, message, isBinary);
    },
    drain: (ws) => {
      const events = ws.getUserData().events;
      if (events) insideEngineCallback(ws, () => events.drain());
      closing.drained(ws);
    },
    pong: (ws) => ws.getUserData().events?.pong(),
    ping: (ws) => ws.getUserData().events?.pinged(),
    // An oversize message is 1009 here as on every engine, though the peer saw a dropped connection.
    close: (ws, code, message) =>
      ws.getUserData().events?.close(...uwsClose(code, lentText(message))),
  };
}

/**
 * One HTTP request on a uWS app, for Switchboard; `context` is set when uWS took it for an
 * upgrade. Each part of the request is read once, whichever way it goes.
 */
export function serveRequest(
  host: EngineHost,
  res: HttpResponse,
  req: HttpRequest,
  context?: us_socket_context_t,
): void {
  const headers = copyHeaders(req);
  // node:http routes every Upgrade request to its upgrade handler; do the same.
  if (isUpgradeRequest(headers)) {
    new UwsUpgrade(res, requestMethod(req), requestUrl(req), headers, context).handTo(host);
  } else host.http(new UwsExchange(res, req, headers));
}

/** One message to an engine topic (core names it; `namespace` prefixes it) but `exclude`. */
export function publish(
  app: TemplatedApp,
  namespace: string,
  topic: string,
  data: Uint8Array,
  binary: boolean,
  exclude: EngineSocket | undefined,
  threshold: number | undefined,
): void {
  const compress = threshold !== undefined && data.byteLength >= threshold;
  // uWS leaves out the socket a publish is made from.
  const sender = exclude && uwsSocketOf(exclude);
  if (sender) sender.publish(namespace + topic, data, binary, compress);
  else app.publish(namespace + topic, data, binary, compress);
}

/** uWS's compression flags for core's permessage-deflate settings (or a clear refusal). */
function compressionOf(uWS: Engine, deflate: DeflateSettings | undefined): number {
  if (!deflate) return uWS.DISABLED;
  const { compressorKiB, decompressorBytes } = uwsCompression("uWebSockets.js", deflate);
  const flags = uWS as unknown as Record<string, number>;
  const compressor =
    compressorKiB === 0 ? uWS.SHARED_COMPRESSOR : flags[`DEDICATED_COMPRESSOR_${compressorKiB}KB`];
  const decompressor =
    decompressorBytes === 0
      ? uWS.SHARED_DECOMPRESSOR
      : flags[
          `DEDICATED_DECOMPRESSOR_${decompressorBytes >= 1024 ? `${decompressorBytes / 1024}KB` : `${decompressorBytes}B`}`
        ];
  if (compressor === undefined || decompressor === undefined) {
    throw new SwitchboardError(
      "INVALID_OPTION",
      "perMessageDeflate: this uWebSockets.js build lacks the compressor asked for",
    );
  }
  return compressor | decompressor;
}
