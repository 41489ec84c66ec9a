// crossws on uWebSockets.js: its uws adapter mounted as the app's WebSocket behaviour.
// Broadcast is crossws pub/sub, which this adapter maps onto uWS's native publish.

import uWS from "uWebSockets.js";
import crossws from "crossws/adapters/uws";
import { isBroadcastUrl, serve } from "./harness.js";

const TOPIC = "everyone";

serve(async () => {
  // Decided once per peer at open, so the message hook does not parse the URL every time.
  const broadcasters = new WeakSet<object>();
  const ws = crossws({
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
  const app = uWS.App();
  app.ws("/*", { ...ws.websocket, compression: uWS.DISABLED, maxPayloadLength: 16 * 1024 * 1024 });
  app.get("/ping", (res) => {
    res.writeHeader("content-type", "text/plain; charset=utf-8").end("pong");
  });
  app.any("/*", (res) => {
    res.writeStatus("404 Not Found").end();
  });
  return new Promise<number>((resolve, reject) => {
    app.listen("127.0.0.1", 0, (socket) => {
      if (socket) resolve(uWS.us_socket_local_port(socket));
      else reject(new Error("uWS could not listen"));
    });
  });
});
