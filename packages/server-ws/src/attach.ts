import type {
  Server as HttpServer,
  IncomingMessage,
  RequestListener,
  ServerResponse,
} from "node:http";
import { Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type Backend, SwitchboardError } from "@switchboard/core";
import type { EngineHost } from "@switchboard/core/backend";
import type { WebSocketServer } from "ws";
import { destroySocket, refuseUpgradeWith, takeUpgrade, webSocketServer } from "./backend.js";
import { drained, responseSockets } from "./drain.js";
import { httpExchange } from "./exchange.js";

/**
 * Options of `wsBackend({ server })`: Switchboard on the application's own node:http or
 * node:https server (Express, Fastify, Koa, a plain `createServer`), on the port it listens on.
 *
 * @example
 * const httpServer = app.listen(3000); // Express
 * const chat = new ChatServer({ backend: wsBackend({ server: httpServer, path: "/chat" }) });
 * await chat.listen(); // opens no port: takes the upgrades to /chat
 */
export interface WsAttachOptions {
  /**
   * The application's server, listening already or not. Switchboard takes its upgrades (those
   * to `path`) and, with `routes`, the requests for its routes; every other request stays with
   * the application, untouched.
   */
  server?: HttpServer | HttpsServer;
  /**
   * No server to attach to: the application hands upgrades over itself with `handleUpgrade`
   * (as with ws's `noServer`). Give either this or `server`.
   */
  noServer?: true;
  /**
   * Only upgrades to this path (the query aside, compared exactly) are Switchboard's; the
   * server's other upgrade listeners keep theirs. Default: every upgrade the server gets.
   */
  path?: string;
  /**
   * Which of the server's HTTP requests Switchboard answers. `false` (the default): none.
   * `true`: those whose path one of its routes matches, for any method (so a wrong method gets
   * its 405 and a CORS preflight its middleware). A function: the requests it returns true
   * for, which Switchboard then answers whatever they are (404 and `notFound` included).
   */
  routes?: boolean | ((request: IncomingMessage) => boolean);
  /**
   * Hands the server's ownership to Switchboard: `close()` closes the server too, with every
   * connection on it. Default false: after `close()` the server keeps serving the application.
   */
  closeServer?: boolean;
}

/** A ws backend on the application's server: what `wsBackend({ server })` returns. */
export interface AttachedWsBackend extends Backend {
  /**
   * Hands Switchboard an upgrade the application received (a framework's raw upgrade, e.g.
   * from a Nest adapter, or with `noServer`): core then accepts or refuses it as any other.
   * `path` does not apply: the caller chose. Before `listen()` and after `close()` the client
   * is answered 503.
   *
   * @example
   * httpServer.on("upgrade", (req, socket, head) => {
   *   if (req.url === "/chat") backend.handleUpgrade(req, socket, head);
   * });
   */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** What `listen` set up on the server; undone by `close`. */
interface Attachment {
  host: EngineHost;
  wss: WebSocketServer;
  detach(): void;
  /** With `closeServer`: the sockets whose response bytes `close()` lets out first. */
  sockets: ReadonlySet<Socket> | undefined;
}

/** Marks this module's upgrade listeners, so they can tell whose an upgrade is. */
const CLAIMS = Symbol("switchboard.claims");
type UpgradeListener = ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) & {
  [CLAIMS]?: (req: IncomingMessage) => boolean;
};

/** Whether `wsBackend(options)` means attached mode. */
export function isAttachOptions(options: object): options is WsAttachOptions {
  return "server" in options || "noServer" in options;
}

/** The ws backend on a server the application made: see `WsAttachOptions`. */
export function attachedBackend(options: WsAttachOptions): AttachedWsBackend {
  const { server, path, routes, closeServer } = checkOptions(options);
  let attachment: Attachment | undefined;
  return {
    name: "ws",
    attached: true,
    handleUpgrade(req, socket, head) {
      if (attachment) return takeUpgrade(attachment.host, attachment.wss, req, socket, head);
      socket.on("error", destroySocket);
      refuseUpgradeWith(socket, 503, "the WebSocket server is not listening");
    },
    async listen(host) {
      if (attachment) throw new Error("ws backend is already listening");
      const wss = webSocketServer(host);
      const attached = server ? attach(server, host, wss, path, routes) : () => {};
      const responses = server && closeServer ? responseSockets(server) : undefined;
      const detach = () => {
        attached();
        responses?.stop();
      };
      attachment = { host, wss, detach, sockets: responses?.sockets };
      return server ? whereListening(server) : { port: 0 };
    },
    async close() {
      const current = attachment;
      attachment = undefined;
      if (!current) return;
      current.detach();
      if (server && closeServer) {
        // Responses already written leave before their connections close, within the bound.
        if (current.sockets) await drained(current.sockets, current.host.limits.closeTimeoutMs);
        await closeHttpServer(server);
      }
    },
  };
}

/** Listens on the server for Switchboard's upgrades and requests; returns how to stop. */
function attach(
  server: HttpServer,
  host: EngineHost,
  wss: WebSocketServer,
  path: string | undefined,
  routes: WsAttachOptions["routes"],
): () => void {
  const claims = (req: IncomingMessage) => path === undefined || pathOf(req.url) === path;
  const onUpgrade: UpgradeListener = (req, socket, head) => {
    if (claims(req)) takeUpgrade(host, wss, req, socket, head);
    else if (isUnclaimed(server, req, onUpgrade)) {
      socket.on("error", destroySocket);
      refuseUpgradeWith(socket, 404, "no WebSocket endpoint at this path");
    }
  };
  onUpgrade[CLAIMS] = claims;
  server.on("upgrade", onUpgrade);
  const restoreRequests = routes ? divertRequests(server, host, routes) : () => {};
  return () => {
    server.off("upgrade", onUpgrade);
    restoreRequests();
  };
}

/**
 * Whether no upgrade listener on the server will answer this upgrade, and `self` is the one to
 * say so. With any upgrade listener, node:http hands every upgrade to them: one nobody takes
 * would hang until the client gives up.
 */
function isUnclaimed(server: HttpServer, req: IncomingMessage, self: UpgradeListener): boolean {
  const listeners = server.listeners("upgrade") as UpgradeListener[];
  const handled = listeners.some((listener) => {
    const claims = listener[CLAIMS];
    return claims === undefined || (listener !== self && claims(req));
  });
  return !handled && listeners.find((listener) => listener[CLAIMS]) === self;
}

/**
 * Puts a dispatcher in front of the application's request listeners: Switchboard's requests go
 * to core, every other one to those listeners, as before (engine.io attaches the same way).
 */
function divertRequests(
  server: HttpServer,
  host: EngineHost,
  routes: true | ((request: IncomingMessage) => boolean),
): () => void {
  const application = server.listeners("request") as RequestListener[];
  const picks = routes === true ? (req: IncomingMessage) => host.hasRoute(req.url ?? "/") : routes;
  // Switchboard's responses still open (event streams, slow uploads): close() ends them, as a
  // server of its own would by closing its connections.
  const open = new Set<ServerResponse>();
  const dispatch: RequestListener = (req, res) => {
    if (!isSwitchboards(picks, req)) {
      for (const listener of application) listener.call(server, req, res);
      return;
    }
    open.add(res);
    res.once("close", () => open.delete(res));
    host.http(httpExchange(req, res));
  };
  server.removeAllListeners("request");
  server.on("request", dispatch);
  return () => {
    server.off("request", dispatch);
    for (const listener of [...application].reverse()) server.prependListener("request", listener);
    // A response already ended only has bytes left to write: close() lets those out.
    for (const res of open) if (!res.writableEnded) res.destroy();
  };
}

/** The application's `routes` function decides; if it throws, the request stays the application's. */
function isSwitchboards(picks: (request: IncomingMessage) => boolean, req: IncomingMessage) {
  try {
    return picks(req) === true;
  } catch (error) {
    // A throw here would escape into node:http's parser and end the process.
    console.error("[switchboard] the routes option of wsBackend() threw:", error);
    return false;
  }
}

function pathOf(url = "/"): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/** Where the application's server listens, as far as it does yet. */
function whereListening(server: HttpServer): { port: number; host?: string; secure: boolean } {
  const secure = server instanceof HttpsServer;
  const bound = server.address();
  if (bound && typeof bound === "object") return { port: bound.port, host: bound.address, secure };
  return { port: 0, secure };
}

async function closeHttpServer(server: HttpServer): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function checkOptions(options: WsAttachOptions): WsAttachOptions & { server?: HttpServer } {
  const { server, noServer, path, routes, closeServer } = options;
  const invalid = (message: string) => new SwitchboardError("INVALID_OPTION", message);
  if (noServer !== undefined && noServer !== true) {
    throw invalid("wsBackend({ noServer }) takes true");
  }
  if (noServer && server !== undefined) {
    throw invalid("wsBackend() takes either server or noServer: true, not both");
  }
  if (!noServer && !isHttpServer(server)) {
    throw invalid(
      "wsBackend({ server }) needs a node:http or node:https server, e.g. the one app.listen() or http.createServer() returns",
    );
  }
  if (path !== undefined && (typeof path !== "string" || !/^\/[^?#]*$/.test(path))) {
    throw invalid(
      `wsBackend({ path }) must be a path starting with "/", without query: ${String(path)}`,
    );
  }
  if (routes !== undefined && typeof routes !== "boolean" && typeof routes !== "function") {
    throw invalid("wsBackend({ routes }) takes true, false or a function of the request");
  }
  if (closeServer !== undefined && typeof closeServer !== "boolean") {
    throw invalid("wsBackend({ closeServer }) takes true or false");
  }
  if (noServer && (closeServer || routes || path !== undefined)) {
    throw invalid(
      "wsBackend({ noServer }) has no server: closeServer, routes and path apply to wsBackend({ server })",
    );
  }
  return options as WsAttachOptions & { server?: HttpServer };
}

function isHttpServer(server: unknown): server is HttpServer {
  const candidate = server as Partial<HttpServer> | null | undefined;
  return (
    typeof candidate?.on === "function" &&
    typeof candidate.listeners === "function" &&
    typeof candidate.address === "function" &&
    typeof candidate.closeAllConnections === "function"
  );
}
