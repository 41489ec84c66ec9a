import { once } from "node:events";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { wsBackend } from "@switchboard/server-ws";
import { ChatServer } from "./getting-started-1.js";

export async function main(port = 8080) {
  // The application's own server, with its own pages.
  const httpServer = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`the application answers ${req.url}\n`);
  });

  // The chat joins it: upgrades to /chat, and the chat's routes (GET /ping, GET /clients).
  const chat = new ChatServer({
    backend: wsBackend({ server: httpServer, path: "/chat", routes: true }),
  });
  await chat.listen(); // opens no port of its own

  httpServer.listen(port, "127.0.0.1");
  await once(httpServer, "listening");
  console.log(`listening on http://127.0.0.1:${port} (WebSocket at ws://127.0.0.1:${port}/chat)`);
  return { httpServer, chat };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
