// Switchboard written the way its docs show: a WebServer subclass with the text callbacks.
import { parseArgs } from "node:util";
import { type Backend, type Channel, WebServer } from "@switchboard/core";
import { uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";
import { isBroadcastUrl, serve } from "./harness.js";

class BenchServer extends WebServer {
  override onInit(): void {
    this.get("/ping", () => "pong");
  }
  override onWsMessage(channel: Channel, text: string): void {
    if (isBroadcastUrl(channel.url)) this.broadcast(text);
    else this.send(channel, text);
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
