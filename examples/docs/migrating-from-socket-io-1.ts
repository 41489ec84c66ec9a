import { type Channel, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

/** What clients send: socket.io's `emit(event, ...args)`, as JSON. */
type ClientEvent = { event: "join"; room: string } | { event: "chat"; room: string; text: string };

export class RoomServer extends WebServer {
  override onWsMessage(channel: Channel, raw: string) {
    const message = JSON.parse(raw) as ClientEvent; // a throw here goes to onError
    if (message.event === "join") {
      this.subscribe(channel, message.room); // socket.join(room)
    } else if (message.event === "chat" && this.topicsOf(channel).has(message.room)) {
      // socket.to(room).emit("chat", text): everyone in the room but the sender
      const out = JSON.stringify({ event: "chat", room: message.room, text: message.text });
      this.publish(message.room, out, { exclude: channel });
    }
  }
}

export async function main(port = 8080): Promise<RoomServer> {
  const server = new RoomServer({ backend: wsBackend() });
  await server.listen({ port });
  return server;
}
