// Type-checked, not run: proves the published declarations resolve from an ESM TypeScript file.
import { type Channel, Opcode, WebServer } from "@switchboard/core";
import { type WsBackendOptions, wsBackend } from "@switchboard/server-ws";

class Echo extends WebServer {
  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode): void {
    this.send(channel, data, opcode, true);
  }
  override onWsClose(_channel: Channel, code: number, reason: string): void {
    this.broadcast(`left: ${code} ${reason}`, { opcode: Opcode.TEXT });
  }
}

const options: WsBackendOptions = {};
const server = new Echo({ backend: wsBackend(options) });
const bound: { port: number; url: string } = await server.listen({ host: "127.0.0.1", port: 0 });
export const url: string = bound.url;
await server.close();

// @ts-expect-error Opcode values are 1 | 2, not any number.
export const wrong: Opcode = 3;
