// The raw uWebSockets.js engine as its examples show it: broadcast is its native pub/sub.
import uWS from "uWebSockets.js";
import { isBroadcastUrl, serve } from "./harness.js";

const TOPIC = "everyone";

serve(async () => {
  const app = uWS.App();
  app.ws<{ broadcast: boolean }>("/*", {
    compression: uWS.DISABLED,
    maxPayloadLength: 16 * 1024 * 1024,
    idleTimeout: 0,
    upgrade: (res, req, context) => {
      res.upgrade(
        { broadcast: isBroadcastUrl(req.getUrl()) },
        req.getHeader("sec-websocket-key"),
        req.getHeader("sec-websocket-protocol"),
        req.getHeader("sec-websocket-extensions"),
        context,
      );
    },
    open: (ws) => {
      ws.subscribe(TOPIC);
    },
    message: (ws, message, isBinary) => {
      if (ws.getUserData().broadcast) app.publish(TOPIC, message, isBinary);
      else ws.send(message, isBinary);
    },
  });
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
