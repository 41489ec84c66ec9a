import { type Channel, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export class RoomServer extends WebServer {
  override onWsOpen(channel: Channel, url: string) {
    const room = new URLSearchParams(url.split("?")[1]).get("room") ?? "lobby";
    this.subscribe(channel, `room:${room}`);
    this.broadcast(`someone joined ${room}`, { exclude: channel });
  }

  override onWsMessage(channel: Channel, text: string) {
    for (const topic of this.topicsOf(channel)) this.publish(topic, text, { exclude: channel });
  }
}

export async function main(port = 8080): Promise<RoomServer> {
  const server = new RoomServer({ backend: wsBackend() });
  await server.listen({ port });
  return server;
}
