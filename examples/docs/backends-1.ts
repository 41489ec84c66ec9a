import { uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";
import { ChatServer } from "./getting-started-1.js";

export async function main(port = 8080, engine = process.env.ENGINE): Promise<ChatServer> {
  const server = new ChatServer({
    backend: engine === "uws" ? uwsBackend() : wsBackend(),
  });
  await server.listen({ port });
  return server;
}
