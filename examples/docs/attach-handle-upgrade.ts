import { once } from "node:events";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { wsBackend } from "@switchboard/server-ws";
import { WebSocketServer } from "ws";
import { ChatServer } from "./getting-started-1.js";

export async function main(port = 8080) {
  const httpServer = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  // A WebSocket endpoint the application already had, on plain ws...
  const legacy = new WebSocketServer({ noServer: true });
  legacy.on("connection", (ws) => ws.send("legacy endpoint"));
  // ...and the chat, which the application hands its upgrades to itself.
  const backend = wsBackend({ noServer: true });
  const chat = new ChatServer({ backend });
  await chat.listen();

  httpServer.on("upgrade", (req, socket, head) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname === "/chat") backend.handleUpgrade(req, socket, head);
    else if (pathname === "/legacy") {
      legacy.handleUpgrade(req, socket, head, (ws) => legacy.emit("connection", ws, req));
    } else socket.destroy();
  });
  httpServer.listen(port, "127.0.0.1");
  await once(httpServer, "listening");
  return { httpServer, chat, legacy };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
