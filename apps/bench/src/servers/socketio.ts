// socket.io on node:http, WebSocket transport only (no long-polling), as a production setup would.
// Echo: the client emits "echo" and the server emits it back to that socket.
// Broadcast: the client emits "broadcast" and the server emits it to every socket (io.emit).
import { createServer } from "node:http";
import { Server } from "socket.io";
import { serve } from "./harness.js";

serve(async () => {
  const http = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/ping") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": "4" });
      res.end("pong");
    } else if (!req.url?.startsWith("/socket.io/")) {
      res.writeHead(404).end();
    }
  });
  const io = new Server(http, {
    transports: ["websocket"],
    serveClient: false,
    perMessageDeflate: false,
  });
  io.on("connection", (socket) => {
    socket.on("echo", (payload: string) => socket.emit("echo", payload));
    socket.on("broadcast", (payload: string) => io.emit("broadcast", payload));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const address = http.address();
  return typeof address === "object" && address ? address.port : 0;
});
