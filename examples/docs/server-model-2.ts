import { type Channel, Opcode, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export class FrameServer extends WebServer {
  override onWsOpen(channel: Channel) {
    // One TEXT message in three frames (fin = false, false, true): the client gets "hello, world".
    this.send(channel, "hello", Opcode.TEXT, false);
    this.send(channel, ", ", Opcode.TEXT, false);
    this.send(channel, "world", Opcode.TEXT, true);
  }

  // Every message, as bytes: BINARY ones are echoed back reversed.
  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode) {
    if (opcode === Opcode.BINARY) this.send(channel, data.slice().reverse(), Opcode.BINARY);
  }

  // TEXT messages only, decoded.
  override onWsMessage(channel: Channel, text: string) {
    this.send(channel, text.toUpperCase());
  }
}

export async function main(port = 8080): Promise<FrameServer> {
  const server = new FrameServer({ backend: wsBackend() });
  await server.listen({ port });
  return server;
}
