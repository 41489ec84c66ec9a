import { EventHub, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";
import { type ChatEvents, schemas } from "./events-1.js";

export async function main(port = 8080) {
  const server = new WebServer<{ name: string }>({
    backend: wsBackend(),
    onWsOpen: (channel) => {
      channel.data = { name: `user_${channel.id}` };
      hub.broadcast("online", server.clientCount);
    },
    onWsClose: () => void hub.broadcast("online", server.clientCount),
  });
  const hub = new EventHub<ChatEvents, { name: string }>(server, { schemas });

  // `text` is a string of 1 to 500 characters here: anything else was refused at the edge.
  hub.on("message", (channel, text) => hub.broadcast("message", { from: channel.data.name, text }));
  hub.on("typing", () => {});
  hub.handle("clients", () => [...server.channels].map((channel) => channel.data.name));

  await server.listen({ port });
  return server;
}
