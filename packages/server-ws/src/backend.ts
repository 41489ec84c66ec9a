import { createServer, type IncomingMessage, type Server, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { Backend, EngineHost, UpgradeResponder } from "@switchboard/core";
import { WebSocketServer } from "ws";
import { httpExchange, requestHeaders } from "./exchange.js";
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
export function wsBackend(_options: WsBackendOptions = {}): Backend {
  let server: Server | undefined;
  return {
    name: "ws",
    async listen(host, address) {
      if (server) throw new Error("ws backend is already listening");
      const wss = new WebSocketServer({
        noServer: true,
        clientTracking: false,
        perMessageDeflate: false,
        maxPayload: host.limits.maxMessageBytes,
        // Core picked the protocol; ws only writes it into the response.
        handleProtocols: (_offered, request) => (request as TaggedRequest)[PROTOCOL] || false,
      });
      const http = createServer((req, res) => host.http(httpExchange(req, res)));
      http.on("upgrade", (req: TaggedRequest, socket: Duplex, head: Buffer) => {
        socket.on("error", () => socket.destroy());
        host.upgrade(
          {
            method: req.method ?? "",
            url: req.url ?? "/",
            headers: requestHeaders(req),
            remoteAddress: req.socket.remoteAddress ?? "",
          },
          upgradeResponder(host, wss, req, socket, head),
        );
      });
      await new Promise<void>((resolve, reject) => {
        http.once("error", reject);
        http.listen(address.port, address.host, () => {
          http.off("error", reject);
          resolve();
        });
      });
      server = http;
      const bound = http.address();
      return { port: typeof bound === "object" && bound ? bound.port : address.port };
    },
    async close() {
      const http = server;
      server = undefined;
      if (!http) return;
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

function upgradeResponder(
  host: EngineHost,
  wss: WebSocketServer,
  req: TaggedRequest,
  socket: Duplex,
  head: Buffer,
): UpgradeResponder {
  return {
    accept(protocol, context) {
      if (socket.destroyed) return;
      req[PROTOCOL] = protocol;
      wss.handleUpgrade(req, socket, head, (ws) => bindSocket(host, ws, socket, context, protocol));
    },
    reject(status, headers, body) {
      if (socket.destroyed) return;
      const lines = [
        `HTTP/1.1 ${status} ${statusText(status)}`,
        "connection: close",
        "content-type: text/plain; charset=utf-8",
        `content-length: ${Buffer.byteLength(body)}`,
      ];
      for (const [name, value] of headers) lines.push(`${name}: ${value}`);
      socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
    },
    onAbort(callback) {
      socket.once("close", callback);
    },
  };
}

function statusText(status: number): string {
  return STATUS_CODES[status] ?? "Error";
}
