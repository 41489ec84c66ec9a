// server.ts — run it with `bun server.ts`
import { WebServer } from "@switchboard/core";
import { bunBackend } from "@switchboard/server-bun";

export async function main(port = 8080): Promise<WebServer> {
  const server = new WebServer({
    backend: bunBackend(),
    onWsMessage(channel, text) {
      channel.send(`echo: ${text}`);
    },
  });
  await server.listen({ port, host: "127.0.0.1" });
  return server;
}
