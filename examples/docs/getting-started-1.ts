import { fileURLToPath } from "node:url";
import { type Channel, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export class ChatServer extends WebServer {
  readonly clients = new Map<Channel, string>();
  nextId = 0;

  override onInit() {
    this.get("/ping", (_req, res) => res.text("pong"));
    this.get("/clients", (_req, res) => res.text(String(this.clients.size)));
  }

  override onWsOpen(channel: Channel) {
    const nickname = `user_${++this.nextId}`;
    this.clients.set(channel, nickname);
    this.send(channel, `welcome ${nickname}`);
    this.broadcast(`${nickname} joined`, { exclude: channel });
  }

  override onWsClose(channel: Channel) {
    const nickname = this.clients.get(channel) ?? "unknown";
    this.clients.delete(channel);
    this.broadcast(`${nickname} left`);
  }

  override onWsMessage(channel: Channel, text: string) {
    const nickname = this.clients.get(channel) ?? "unknown";
    this.send(channel, `echo: ${text}`);
    this.broadcast(`${nickname}: ${text}`, { exclude: channel });
  }
}

export async function main(port = 8080): Promise<ChatServer> {
  const server = new ChatServer({ backend: wsBackend() });
  const { url } = await server.listen({ port });
  console.log(`listening on ${url}`);
  return server;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
