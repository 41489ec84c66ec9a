// One echo server for deflate-memory.mjs: prints its pid and port, then serves until killed.
// Usage: node|bun deflate-memory-server.mjs <ws|uws|bun> '<perMessageDeflate as JSON>'
import { WebServer } from "@switchboard/core";

const [engine, settings] = process.argv.slice(2);
const backend =
  engine === "ws"
    ? (await import("@switchboard/server-ws")).wsBackend()
    : engine === "uws"
      ? (await import("@switchboard/server-uws")).uwsBackend()
      : (await import("@switchboard/server-bun")).bunBackend();
const server = new WebServer({
  backend,
  maxConnections: 20_000,
  heartbeatIntervalMs: 0,
  perMessageDeflate: JSON.parse(settings),
  onWsMessage(channel, text) {
    channel.send(text);
  },
});
const { port } = await server.listen({ port: 0, host: "127.0.0.1" });
console.log(JSON.stringify({ pid: process.pid, port }));
