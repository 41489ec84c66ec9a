// Switchboard written the way its docs show: a WebServer subclass. Like the raw servers it relays
// each message as it came (bytes and opcode, through the lossless frame callback), without
// turning text into a string and back.
import { parseArgs } from "node:util";
import { type Backend, type Channel, type Opcode, WebServer } from "@switchboard/core";
import { uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";
import { isBroadcastUrl, serve } from "./harness.js";

class BenchServer extends WebServer {
  override onInit(): void {
    this.get("/ping", () => "pong");
  }
  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode): void {
    if (isBroadcastUrl(channel.url)) this.broadcast(data, { opcode });
    else this.send(channel, data, opcode);
  }
}

const { values } = parseArgs({ options: { backend: { type: "string", default: "ws" } } });
const backends: Record<string, () => Backend> = { ws: wsBackend, uws: uwsBackend };
const makeBackend = backends[values.backend ?? "ws"];
if (!makeBackend) throw new Error(`unknown backend ${values.backend}`);

serve(async () => {
  const server = new BenchServer({ backend: makeBackend() });
  const { port } = await server.listen({ port: 0, host: "127.0.0.1" });
  return port;
});
