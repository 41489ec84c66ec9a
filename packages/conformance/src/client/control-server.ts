import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from "node:net";
import type { Backend, WebServer } from "@switchboard/core";
import { ChatServer } from "../support/chat-server.js";
import { CutProxy } from "../support/cut-proxy.js";
import type { Skip } from "../support/runner.js";
import type { ServerApp } from "./control.js";
import { EventsServer } from "./events-app.js";
import type { HostileScript } from "./hostile.js";
import { type HostileServer, hostileServer } from "./hostile-server.js";
import { ProbeServer } from "./probe-server.js";
import { RecoveryApp } from "./recovery-app.js";

/** A server backend the client suite runs against, e.g. `{ name: "ws", backend: () => wsBackend() }`. */
export interface ClientBackend {
  /** Shown in test names, e.g. "ws". */
  name: string;
  /** Makes a fresh backend; called once per server started. */
  backend: () => Backend;
  /** Client tests this engine cannot pass, each with the engine's reason. */
  skip?: readonly Skip[];
}

/**
 * A backend that cannot run on this runtime (its engine does not load): the suite reports it as
 * a skip with this reason instead of leaving it out silently.
 */
export interface UnavailableBackend {
  /** Shown in test names, e.g. "uws". */
  name: string;
  /** Why it cannot run here, shown with the skip. */
  unavailable: string;
}

interface Managed {
  dispose(): Promise<void>;
  server?: WebServer;
  proxy?: CutProxy;
  hostile?: HostileServer;
  port: number;
}

const HOST = "127.0.0.1";

/**
 * The HTTP control server: lets tests (in Node or in a browser) start, stop, restart and inspect
 * Switchboard servers in this process. Loopback only.
 */
export async function startControlServer(
  backends: readonly ClientBackend[],
): Promise<{ url: string; close(): Promise<void> }> {
  const managed = new Map<string, Managed>();
  let nextId = 1;

  const routes: Record<string, (params: URLSearchParams) => Promise<unknown>> = {
    async "/start"(params) {
      const backend = backends.find((candidate) => candidate.name === params.get("backend"));
      if (!backend) throw new Error(`unknown backend ${params.get("backend")}`);
      const app = params.get("app") as ServerApp;
      const options = { backend: backend.backend(), closeTimeoutMs: 2000 };
      const server =
        app === "chat"
          ? new ChatServer(options)
          : app.startsWith("events")
            ? new EventsServer({ ...options, recovery: app === "events-recovery" })
            : app.startsWith("recovery")
              ? new RecoveryApp(options, app === "recovery-short" ? 300 : 10_000)
              : new ProbeServer(options);
      const { port } = await server.listen({ port: 0, host: HOST });
      const id = String(nextId++);
      managed.set(id, { server, port, dispose: () => server.close() });
      return { id, port };
    },
    async "/stop"(params) {
      await serverOf(params).close();
      return {};
    },
    async "/restart"(params) {
      const entry = entryOf(params);
      await entry.server!.listen({ port: entry.port, host: HOST });
      return {};
    },
    async "/kick"(params) {
      const server = serverOf(params);
      for (const channel of server.channels)
        channel.close(Number(params.get("code")), params.get("reason") ?? "");
      return {};
    },
    async "/state"(params) {
      const server = serverOf(params);
      const probe = server instanceof ProbeServer ? server : undefined;
      return {
        clientCount: server.clientCount,
        upgrades: probe?.upgrades ?? 0,
        opens: probe?.opens ?? [],
        closes: probe?.closes ?? [],
        sunk: probe?.sunk ?? { count: 0, bytes: 0, inOrder: true },
        invalid: server instanceof EventsServer ? server.hub.stats.invalid : 0,
        recovery:
          server instanceof RecoveryApp
            ? server.state
            : { opens: 0, recovers: 0, closes: [], got: [] },
      };
    },
    async "/dispose"(params) {
      const id = params.get("id") ?? "";
      const entry = managed.get(id);
      managed.delete(id);
      await entry?.dispose();
      return {};
    },
    async "/silent"() {
      const sockets = new Set<Socket>();
      const tcp = createTcpServer((socket) => {
        // Accept and say nothing: the handshake never completes.
        sockets.add(socket);
        socket.on("error", () => {});
        socket.on("close", () => sockets.delete(socket));
      });
      const port = await listenTcp(tcp, 0);
      const id = String(nextId++);
      managed.set(id, {
        port,
        dispose: () => {
          for (const socket of sockets) socket.destroy();
          return closeTcp(tcp);
        },
      });
      return { id, port };
    },
    async "/hostile"(params) {
      const script = JSON.parse(params.get("body") ?? "{}") as HostileScript;
      const hostile = await hostileServer(script);
      const id = String(nextId++);
      managed.set(id, { port: hostile.port, hostile, dispose: () => hostile.close() });
      return { id, port: hostile.port };
    },
    async "/hostile-state"(params) {
      const hostile = managed.get(params.get("id") ?? "")?.hostile;
      if (!hostile) throw new Error(`no hostile server ${params.get("id")}`);
      return hostile.state();
    },
    async "/proxy"(params) {
      const proxy = await CutProxy.open(entryOf(params).port);
      const id = String(nextId++);
      managed.set(id, { port: proxy.port, proxy, dispose: () => proxy.close() });
      return { id, port: proxy.port };
    },
    async "/cut"(params) {
      return { cut: proxyOf(params.get("id")).cut() };
    },
    async "/pump"(params) {
      const server = serverOf(params);
      if (!(server instanceof RecoveryApp)) throw new Error("/pump needs the recovery app");
      const proxy = proxyOf(params.get("proxy"));
      await server.pump(Number(params.get("count")), Number(params.get("cuts")), () => proxy.cut());
      return {};
    },
    async "/closed-port"() {
      const tcp = createTcpServer();
      const port = await listenTcp(tcp, 0);
      await closeTcp(tcp);
      return { port };
    },
  };

  function entryOf(params: URLSearchParams): Managed {
    const entry = managed.get(params.get("id") ?? "");
    if (!entry?.server) throw new Error(`no server ${params.get("id")}`);
    return entry;
  }

  function proxyOf(id: string | null): CutProxy {
    const proxy = managed.get(id ?? "")?.proxy;
    if (!proxy) throw new Error(`no proxy ${id}`);
    return proxy;
  }

  function serverOf(params: URLSearchParams): WebServer {
    return entryOf(params).server!;
  }

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", `http://${HOST}`);
    const route = routes[url.pathname];
    // Browser tests call from another origin.
    res.setHeader("access-control-allow-origin", "*");
    if (req.method === "OPTIONS")
      return void res.writeHead(204, { "access-control-allow-methods": "POST" }).end();
    if (!route) return void res.writeHead(404).end("no such control route");
    // A long argument (a hostile server's script) comes as the body, text/plain.
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (chunks.length) url.searchParams.set("body", Buffer.concat(chunks).toString());
      answer(route, url.searchParams, res);
    });
  });
  const answer = (
    route: (params: URLSearchParams) => Promise<unknown>,
    params: URLSearchParams,
    res: ServerResponse,
  ) =>
    route(params).then(
      (body) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body)),
      (error: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(String(error)),
    );
  const port = await listenTcp(http, 0);
  return {
    url: `http://${HOST}:${port}`,
    async close() {
      await Promise.allSettled([...managed.values()].map((entry) => entry.dispose()));
      managed.clear();
      http.closeAllConnections();
      await closeTcp(http);
    },
  };
}

function listenTcp(server: TcpServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

function closeTcp(server: TcpServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
