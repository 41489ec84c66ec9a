import { type Channel, type Opcode, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export class RelayServer extends WebServer {
  override onWsOpen(channel: Channel) {
    channel.send("welcome");
  }

  // Relays every message, text or binary, to everyone else, with its own opcode.
  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode) {
    this.broadcast(data, { exclude: channel, opcode });
  }
}

export async function main(port = 8080): Promise<RelayServer> {
  const server = new RelayServer({ backend: wsBackend() });
  await server.listen({ port });
  return server;
}
