// Switchboard written the way its docs show: a WebServer subclass. Like the raw servers it relays
// each message as the engine hands it over, without converting it: ws and uWebSockets.js hand
// over bytes, relayed through the lossless frame callback; Bun hands text over as a string,
// relayed through onWsMessage as raw Bun relays it (a frame callback would make core encode
// every text message to bytes, and Bun decode it again to send it).
import { parseArgs } from "node:util";
import { type Backend, type Channel, type Opcode, WebServer } from "@switchboard/core";
import { isBroadcastUrl, serve } from "./harness.js";

/** The HTTP route every server of the bench has. */
class PingServer extends WebServer {
  override onInit(): void {
    this.get("/ping", () => "pong");
  }
}

class BenchServer extends PingServer {
  override onWsMessageFrame(channel: Channel, data: Uint8Array, opcode: Opcode): void {
    if (isBroadcastUrl(channel.url)) this.broadcast(data, { opcode });
    else this.send(channel, data, opcode);
  }
}

/** For an engine that hands text over as a string (Bun); the load sends text only. */
class TextBenchServer extends PingServer {
  override onWsMessage(channel: Channel, text: string): void {
    if (isBroadcastUrl(channel.url)) this.broadcast(text);
    else this.send(channel, text);
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
  const Server = values.backend === "bun" ? TextBenchServer : BenchServer;
  const server = new Server({ backend: await makeBackend(), recovery: values.recovery });
  const { port } = await server.listen({ port: 0, host: "127.0.0.1" });
  return port;
});
