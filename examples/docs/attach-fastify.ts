import { fileURLToPath } from "node:url";
import { wsBackend } from "@switchboard/server-ws";
import Fastify from "fastify";
import { ChatServer } from "./getting-started-1.js";

export async function main(port = 3000) {
  const fastify = Fastify();
  fastify.get("/api/hello", async () => ({ hello: "from fastify" }));

  // fastify.server exists before fastify.listen(): attach first, then listen.
  const chat = new ChatServer({
    backend: wsBackend({ server: fastify.server, path: "/chat", routes: true }),
  });
  await chat.listen();
  // fastify.close() closes the chat first (its clients get 1001), then the server.
  fastify.addHook("preClose", async () => {
    await chat.close();
  });

  await fastify.listen({ port, host: "127.0.0.1" });
  return fastify;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
