// crossws on Node: its node adapter (bundled ws) mounted on node:http's "upgrade" event.
// Broadcast is crossws pub/sub: every peer subscribes to one topic, the adapter publishes to it.
import { createServer } from "node:http";
import crossws from "crossws/adapters/node";
import { benchHooks } from "./crossws-hooks.js";
import { serve } from "./harness.js";

serve(async () => {
  const ws = crossws({
    // No heartbeat: none of the other servers pings idle clients either.
    idleTimeout: 0,
    hooks: benchHooks((topic, text) => ws.publish(topic, text)),
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
    ws.handleUpgrade(req, socket, head);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const address = http.address();
  return typeof address === "object" && address ? address.port : 0;
});
