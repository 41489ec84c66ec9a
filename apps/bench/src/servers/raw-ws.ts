// The raw ws engine as its README shows it: node:http for HTTP, ws in noServer mode for upgrades.
import { createServer } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";
import { isBroadcastUrl, serve } from "./harness.js";

serve(async () => {
  const everyone = new Set<WebSocket>();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
  });
  const http = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/ping") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": "4" });
      res.end("pong");
    } else {
      res.writeHead(404).end();
    }
  });
  http.on("upgrade", (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    wss.handleUpgrade(req, socket, head, (ws) => {
      everyone.add(ws);
      const broadcast = isBroadcastUrl(req.url ?? "");
      ws.on("message", (data, isBinary) => {
        if (!broadcast) return ws.send(data, { binary: isBinary });
        for (const peer of everyone) peer.send(data, { binary: isBinary });
      });
      ws.on("error", () => {});
      ws.on("close", () => everyone.delete(ws));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const address = http.address();
  return typeof address === "object" && address ? address.port : 0;
});
