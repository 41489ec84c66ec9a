import { type Channel, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

class EchoServer extends WebServer {
  override onInit() {
    this.get("/ping", (_req, res) => res.text("pong"));
  }

  override onWsMessage(channel: Channel, text: string) {
    this.send(channel, `echo: ${text}`);
  }
}

export async function main(port = 8080): Promise<EchoServer> {
  const server = new EchoServer({ backend: wsBackend(), maxMessageBytes: 64 * 1024 });
  const { url } = await server.listen({ port }); // port 0 picks a free one
  console.log(`HTTP on ${url}, WebSockets on ${url.replace("http", "ws")}`);
  return server; // await server.close(): clients get 1001, then the port is released
}
