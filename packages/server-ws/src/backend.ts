import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import {
  type Backend,
  type EngineHost,
  type ResponseHead,
  reasonPhrase,
  rejection,
  type UpgradeResponder,
} from "@switchboard/core/backend";
import { WebSocketServer } from "ws";
import {
  type AttachedWsBackend,
  attachedBackend,
  isAttachOptions,
  type WsAttachOptions,
} from "./attach.js";
import { wsDeflateOptions } from "./deflate.js";
import { drained, responseSockets } from "./drain.js";
import { headerList, httpExchange, requestHeaders } from "./exchange.js";
import { bindSocket } from "./socket.js";

/** Options of `wsBackend()`: engine-only tuning, none yet. Limits are set on the server. */
export type WsBackendOptions = Record<string, never>;

const PROTOCOL = Symbol("switchboard.protocol");
type TaggedRequest = IncomingMessage & { [PROTOCOL]?: string };

/**
 * The ws engine: HTTP through node:http, WebSockets through ws.
 *
 * @example
 * import { wsBackend } from "@switchboard/server-ws";
 * const server = new ChatServer({ backend: wsBackend() });
 */
export function wsBackend(options?: WsBackendOptions): Backend;
/** Attached to the application's node:http or node:https server: see `WsAttachOptions`. */
export function wsBackend(options: WsAttachOptions): AttachedWsBackend;
export function wsBackend(options: WsBackendOptions | WsAttachOptions = {}): Backend {
  if (isAttachOptions(options)) return attachedBackend(options);
  let server: Server | undefined;
  let drainMs = 0;
  let sockets: ReadonlySet<Socket> = new Set();
  return {
    name: "ws",
    async listen(host, address) {
      if (server) throw new Error("ws backend is already listening");
      const wss = webSocketServer(host);
      const { headersTimeoutMs, maxHeaderBytes } = host.limits;
      const serverOptions = {
        // node:http answers 431 and 408 itself; core reads (and times) the body on every engine.
        maxHeaderSize: maxHeaderBytes,
        headersTimeout: headersTimeoutMs,
        requestTimeout: 0,
        // node checks these timeouts on an interval (30 s by default): check often enough to matter.
        connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
      };
      const handler: RequestListener = (req, res) => host.http(httpExchange(req, res));
      const http: Server = address.tls
        ? createTlsServer({ ...serverOptions, ...address.tls }, handler)
        : createServer(serverOptions, handler);
      http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        takeUpgrade(host, wss, req, socket, head),
      );
      await new Promise<void>((resolve, reject) => {
        http.once("error", reject);
        http.listen(address.port, address.host, () => {
          http.off("error", reject);
          resolve();
        });
      });
      server = http;
      drainMs = host.limits.closeTimeoutMs;
      sockets = responseSockets(http).sockets;
      const bound = http.address();
      return { port: typeof bound === "object" && bound ? bound.port : address.port };
    },
    async close() {
      const http = server;
      server = undefined;
      if (!http) return;
      // node:http counts a connection whose response is written as idle even while the socket
      // still holds its bytes, and close() would drop them: let those drain first.
      await drained(sockets, drainMs);
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

/** The ws server that completes the upgrades core accepted; it listens on nothing itself. */
export function webSocketServer(host: EngineHost): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: wsDeflateOptions(host.deflate),
    // ws counts every fragment (and inflated byte) against this at each frame header.
    maxPayload: host.limits.maxMessageBytes,
    // ws keeps an object per fragment: core bounds their number by the average fragment size.
    maxFragments: host.limits.maxFragments,
    // Core's ping budget counts pongs against maxBufferedBytes instead of by number (ws 8.23+;
    // @types/ws does not know it yet).
    ...{ maxPendingAutoPongs: 0 },
    // Core picked the protocol; ws only writes it into the response.
    handleProtocols: (_offered, request) => (request as TaggedRequest)[PROTOCOL] || false,
  });
}

/**
 * A socket's error ends it. One function for every socket: the listener stays for as long as
 * the connection lasts, and a closure would keep a scope of its own per connection.
 */
export function destroySocket(this: Duplex): void {
  this.destroy();
}

/** Hands one node:http upgrade to core, which accepts or refuses it. */
export function takeUpgrade(
  host: EngineHost,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  socket.on("error", destroySocket);
  host.upgrade(
    {
      method: req.method ?? "",
      url: req.url ?? "/",
      headers: requestHeaders(req),
      remoteAddress: req.socket.remoteAddress ?? "",
    },
    upgradeResponder(host, wss, req, socket, head),
  );
}

/**
 * Answers an upgrade with a plain HTTP response and closes the connection: node:http has handed
 * the socket over, so the response is written as bytes.
 */
export function refuseUpgrade(socket: Duplex, head: ResponseHead, body: Uint8Array): void {
  const list = headerList(head);
  let text = `HTTP/1.1 ${head.status} ${reasonPhrase(head.status)}\r\n`;
  for (let i = 0; i < list.length; i += 2) text += `${list[i]}: ${list[i + 1]}\r\n`;
  socket.write(`${text}\r\n`);
  socket.end(body);
}

/** Refuses an upgrade that no Switchboard server takes, with core's plain-text rejection. */
export function refuseUpgradeWith(socket: Duplex, status: number, text: string): void {
  refuseUpgrade(socket, ...rejection(status, text));
}

function upgradeResponder(
  host: EngineHost,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): UpgradeResponder {
  const early = earlyBytes(socket, head);
  let abortListener: (() => void) | undefined;
  // Once decided, the listener would keep this request and its early bytes alive for as long
  // as the connection lasts.
  const decided = () => {
    if (abortListener) socket.off("close", abortListener);
    abortListener = undefined;
  };
  return {
    accept(protocol, context) {
      decided();
      if (socket.destroyed) return;
      early.stop();
      (req as TaggedRequest)[PROTOCOL] = protocol;
      wss.handleUpgrade(req, socket, early.head(), (ws) =>
        bindSocket(host, ws, socket, context, protocol),
      );
    },
    reject(head, body) {
      decided();
      if (socket.destroyed) return;
      refuseUpgrade(socket, head, body);
    },
    onAbort(callback) {
      abortListener = callback;
      socket.once("close", callback);
    },
  };
}

/** A client may send nothing before the 101 but a few frames; more than this is abuse. */
const MAX_EARLY_BYTES = 64 * 1024;

/**
 * Reads the socket while the upgrade decision is pending: that is how a client that leaves is
 * noticed (node:http stops reading upgrade sockets), and early bytes are kept for ws.
 */
function earlyBytes(socket: Duplex, head: Buffer) {
  const chunks: Buffer[] = [head];
  let size = head.length;
  const collect = (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_EARLY_BYTES) socket.destroy();
    else chunks.push(chunk);
  };
  // node:http sockets allow half-open connections: a client's FIN alone would not close it.
  const end = () => socket.destroy();
  socket.on("data", collect);
  socket.once("end", end);
  return {
    stop() {
      socket.off("data", collect);
      socket.off("end", end);
    },
    head: () => Buffer.concat(chunks),
  };
}
