// Switchboard written the way its docs show: a WebServer subclass. Like the raw servers it relays
// each message as it came (bytes and opcode, through the lossless frame callback), without
// turning text into a string and back.
import { parseArgs } from "node:util";
import { type Backend, type Channel, type Opcode, WebServer } from "@switchboard/core";
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

const { values } = parseArgs({
  options: {
    backend: { type: "string", default: "ws" },
    // Connection state recovery (docs/recovery.md) for clients that negotiate it.
    recovery: { type: "boolean", default: false },
  },
});
// Imported when chosen: under Bun, uWebSockets.js (a Node.js addon) is never loaded.
const backends: Record<string, () => Promise<Backend>> = {
  ws: async () => (await import("@switchboard/server-ws")).wsBackend(),
  uws: async () => (await import("@switchboard/server-uws")).uwsBackend(),
  bun: async () => (await import("@switchboard/server-bun")).bunBackend(),
};
const makeBackend = backends[values.backend ?? "ws"];
if (!makeBackend) throw new Error(`unknown backend ${values.backend}`);

serve(async () => {
  const server = new BenchServer({ backend: await makeBackend(), recovery: values.recovery });
  const { port } = await server.listen({ port: 0, host: "127.0.0.1" });
  return port;
});
