import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { wsBackend } from "@switchboard/server-ws";
import express from "express";
import { ChatServer } from "./getting-started-1.js";

const publicDir = fileURLToPath(new URL("./attach-public/", import.meta.url));

export async function main(port = 3000) {
  const app = express();
  app.get("/api/time", (_req, res) => {
    res.json({ now: new Date().toISOString() });
  });
  app.get("/api/hello/:name", (req, res) => {
    res.type("text/plain").send(`hello ${req.params.name}`);
  });
  app.use(express.static(publicDir)); // the chat page, index.html

  const httpServer = app.listen(port, "127.0.0.1");
  await once(httpServer, "listening");

  // Same port: the chat takes the upgrades to /chat; Express keeps every HTTP request.
  // closeServer hands the server over: chat.close() then closes it too.
  const chat = new ChatServer({
    backend: wsBackend({ server: httpServer, path: "/chat", closeServer: true }),
  });
  const { url } = await chat.listen();
  console.log(`Express and the chat on ${url}`);
  return chat;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
