import {
  type Backend,
  type EngineHost,
  isUpgradeRequest,
  reasonPhrase,
  type UpgradeResponder,
} from "@switchboard/core";
import type { HttpResponse, TemplatedApp, us_socket_context_t } from "uWebSockets.js";
import { copyLent, loadEngine, lentText } from "./engine.js";
import { httpExchange } from "./exchange.js";
import { type CopiedRequest, copyRequest } from "./request.js";
import { engineSocket, insideEngineCallback, type SocketData, uwsSocketOf } from "./socket.js";

/** Options of `uwsBackend()`. Limits and policy are set on the server, not here. */
export interface UwsBackendOptions {
  /** Reserved for engine-only tuning; empty today. */
}

/**
 * uWS drops the TCP connection (no close frame) on a message over its own limit. Giving it this
 * much headroom lets core see oversize messages and close with 1009 as on every engine.
 */
const OVERSIZE_HEADROOM = 16 * 1024 * 1024;

/** Every socket subscribes to this topic, so a broadcast is one uWS publish. */
const EVERYONE = "switchboard:everyone";

/**
 * The uWebSockets.js engine: HTTP and WebSockets from one native event loop.
 *
 * @example
 * import { uwsBackend } from "@switchboard/server-uws";
 * const server = new ChatServer({ backend: uwsBackend() });
 */
export function uwsBackend(_options: UwsBackendOptions = {}): Backend {
  const uWS = loadEngine();
  let app: TemplatedApp | undefined;
  return {
    name: "uws",
    async listen(host, address) {
      if (app) throw new Error("uws backend is already listening");
      const next = uWS.App();
      next.ws<SocketData>("/*", {
        maxPayloadLength: host.limits.maxMessageBytes + OVERSIZE_HEADROOM,
        // Core refuses sends past maxBufferedBytes itself; uWS must never drop one silently.
        maxBackpressure: host.limits.maxBufferedBytes + host.limits.maxMessageBytes + OVERSIZE_HEADROOM,
        closeOnBackpressureLimit: 0,
        idleTimeout: 0,
        sendPingsAutomatically: false,
        compression: uWS.DISABLED,
        upgrade: (res, req, context) => {
          const request = copyRequest(res, req);
          handUpgrade(host, res, request, context);
        },
        open: (ws) => {
          const data = ws.getUserData();
          data.events = host.open(engineSocket(ws), data.context, data.protocol);
          // Before onWsOpen runs, which may already broadcast.
          ws.subscribe(EVERYONE);
          insideEngineCallback(ws, () => data.events?.open());
        },
        message: (ws, message, isBinary) => {
          const events = ws.getUserData().events;
          // The ArrayBuffer is neutered after this callback: copy it.
          if (events) insideEngineCallback(ws, () => events.message(copyLent(message), isBinary));
        },
        drain: (ws) => {
          const events = ws.getUserData().events;
          if (events) insideEngineCallback(ws, () => events.drain());
        },
        close: (ws, code, message) => ws.getUserData().events?.close(code, lentText(message)),
      });
      next.any("/*", (res, req) => {
        const request = copyRequest(res, req);
        // node:http routes every Upgrade request to its upgrade handler; do the same.
        if (isUpgradeRequest(request.headers)) handUpgrade(host, res, request, undefined);
        else {
          const { exchange, handlerReturned } = httpExchange(res, request, host.limits);
          host.http(exchange);
          handlerReturned();
        }
      });
      const port = await new Promise<number>((resolve, reject) => {
        next.listen(address.host, address.port, (listenSocket) => {
          if (listenSocket) resolve(uWS.us_socket_local_port(listenSocket));
          else reject(new Error(`uws backend could not listen on ${address.host}:${address.port} (in use or not allowed)`));
        });
      });
      app = next;
      return { port };
    },
    publish(data, binary, exclude) {
      // uWS leaves out the socket a publish is made from.
      const sender = exclude && uwsSocketOf(exclude);
      if (sender) sender.publish(EVERYONE, data, binary, false);
      else app?.publish(EVERYONE, data, binary, false);
    },
    async close() {
      // close() exists in this uWS build (closes listen and open sockets) but is missing from its types.
      (app as (TemplatedApp & { close(): void }) | undefined)?.close();
      app = undefined;
    },
  };
}

/** Hands an upgrade to core, then gives uWS an abort handler only if core has not decided yet. */
function handUpgrade(
  host: EngineHost,
  res: HttpResponse,
  request: CopiedRequest,
  context: us_socket_context_t | undefined,
): void {
  const { responder, handlerReturned } = upgradeResponder(res, request, context);
  host.upgrade(request, responder);
  handlerReturned();
}

function upgradeResponder(
  res: HttpResponse,
  request: CopiedRequest,
  context: us_socket_context_t | undefined,
): { responder: UpgradeResponder; handlerReturned(): void } {
  // Set once the upgrade is answered (accepted or refused) or the client went away.
  let aborted = false;
  let onAbort: (() => void) | undefined;
  const reject: UpgradeResponder["reject"] = (status, headers, body) => {
    if (aborted) return;
    aborted = true;
    res.cork(() => {
      res.writeStatus(`${status} ${reasonPhrase(status)}`);
      res.writeHeader("content-type", "text/plain; charset=utf-8");
      for (const [name, value] of headers) res.writeHeader(name, value);
      res.end(body, true);
    });
  };
  const responder: UpgradeResponder = {
    accept(protocol, socketContext) {
      if (aborted) return;
      if (!context) return reject(400, [], "not a WebSocket handshake");
      aborted = true;
      const data: SocketData = { context: socketContext, protocol };
      res.cork(() => {
        res.upgrade(
          data,
          request.headers["sec-websocket-key"] ?? "",
          protocol,
          request.headers["sec-websocket-extensions"] ?? "",
          context,
        );
      });
    },
    reject,
    onAbort(callback) {
      onAbort = callback;
    },
  };
  return {
    responder,
    handlerReturned() {
      // uWS needs onAborted only for a request still pending when its handler returns; core
      // answers most upgrades at once, and then no callback is created for them at all.
      if (aborted) return;
      res.onAborted(() => {
        aborted = true;
        onAbort?.();
      });
    },
  };
}
