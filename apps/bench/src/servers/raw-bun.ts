// Raw Bun.serve as its docs show it: broadcast is its native pub/sub. Runs under Bun.
import { isBroadcastUrl, serve } from "./harness.js";

/** The part of Bun's API this server uses (the bench has no Bun types). */
interface BunSocket {
  data: { broadcast: boolean };
  subscribe(topic: string): void;
  send(data: string | Uint8Array): number;
}
interface BunServer {
  port: number;
  upgrade(request: Request, options: { data: unknown }): boolean;
  publish(topic: string, data: string | Uint8Array): number;
}
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    fetch(request: Request, server: BunServer): Response | undefined;
    websocket: {
      idleTimeout: number;
      sendPings: boolean;
      maxPayloadLength: number;
      open(ws: BunSocket): void;
      message(ws: BunSocket, message: string | Uint8Array): void;
    };
  }): BunServer;
};

const TOPIC = "everyone";

serve(async () => {
  const server: BunServer = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request, bun) {
      const path = new URL(request.url).pathname;
      if (request.headers.get("upgrade")) {
        if (bun.upgrade(request, { data: { broadcast: isBroadcastUrl(path) } })) return undefined;
        return new Response("upgrade failed", { status: 400 });
      }
      if (path === "/ping")
        return new Response("pong", { headers: { "content-type": "text/plain; charset=utf-8" } });
      return new Response(null, { status: 404 });
    },
    websocket: {
      idleTimeout: 0,
      sendPings: false,
      maxPayloadLength: 16 * 1024 * 1024,
      open: (ws) => ws.subscribe(TOPIC),
      message: (ws, message) => {
        if (ws.data.broadcast) server.publish(TOPIC, message);
        else ws.send(message);
      },
    },
  });
  return server.port;
});
