// crossws on uWebSockets.js: its uws adapter mounted as the app's WebSocket behaviour.
// Broadcast is crossws pub/sub, which this adapter maps onto uWS's native publish.

import uWS from "uWebSockets.js";
import crossws from "crossws/adapters/uws";
import { benchHooks } from "./crossws-hooks.js";
import { serve } from "./harness.js";

serve(async () => {
  const ws = crossws({
    idleTimeout: 0,
    hooks: benchHooks((topic, text) => ws.publish(topic, text)),
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
