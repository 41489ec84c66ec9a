// crossws on Node: its node adapter (bundled ws) mounted on node:http's "upgrade" event.
// Broadcast is crossws pub/sub: every peer subscribes to one topic, the adapter publishes to it.
import { createServer } from "node:http";
import crossws from "crossws/adapters/node";
import { isBroadcastUrl, serve } from "./harness.js";

const TOPIC = "everyone";

serve(async () => {
  // Decided once per peer at open, so the message hook does not parse the URL every time.
  const broadcasters = new WeakSet<object>();
  const ws = crossws({
    // No heartbeat: none of the other servers pings idle clients either.
    idleTimeout: 0,
    hooks: {
      open(peer) {
        peer.subscribe(TOPIC);
        if (isBroadcastUrl(new URL(peer.request.url).pathname)) broadcasters.add(peer);
      },
      message(peer, message) {
        if (broadcasters.has(peer)) ws.publish(TOPIC, message.text());
        else peer.send(message.text());
      },
    },
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
