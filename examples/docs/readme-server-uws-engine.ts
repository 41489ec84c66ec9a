// Your build's module, under whatever name you installed it.
import uWS from "uWebSockets.js";
import { WebServer } from "@switchboard/core";
import { uwsBackend } from "@switchboard/server-uws";

export async function main(port = 8080): Promise<WebServer> {
  const server = new WebServer({
    backend: uwsBackend({ engine: uWS }),
    onWsMessage(channel, text) {
      channel.send(`echo: ${text}`);
    },
  });
  await server.listen({ port, host: "127.0.0.1" });
  return server;
}
