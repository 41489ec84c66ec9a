import { WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export async function main(port = 8080): Promise<WebServer> {
  const server = new WebServer({
    backend: wsBackend(),
    onWsMessage(channel, text) {
      channel.send(`echo: ${text}`);
    },
  });
  await server.listen({ port, host: "127.0.0.1" });
  return server;
}
