// Switchboard with typed events, the way docs/events.md shows them: every message is an event
// whose payload a zod schema checks before the handler echoes it (or broadcasts it).
import { parseArgs } from "node:util";
import { type Backend, EventHub, WebServer } from "@switchboard/core";
import { uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";
import { z } from "zod";
import { serve } from "./harness.js";

interface BenchEvents {
  clientEvents: { echo: string; broadcast: string };
  serverEvents: { echo: string; broadcast: string };
}

const { values } = parseArgs({ options: { backend: { type: "string", default: "ws" } } });
const backends: Record<string, () => Backend> = { ws: wsBackend, uws: uwsBackend };
const makeBackend = backends[values.backend ?? "ws"];
if (!makeBackend) throw new Error(`unknown backend ${values.backend}`);

serve(async () => {
  const server = new WebServer({ backend: makeBackend() });
  server.get("/ping", () => "pong");
  const payload = z.string().max(64 * 1024);
  const hub = new EventHub<BenchEvents>(server, {
    schemas: { clientEvents: { echo: payload, broadcast: payload } },
  });
  hub.on("echo", (channel, text) => void channel.emit("echo", text));
  hub.on("broadcast", (_channel, text) => void hub.broadcast("broadcast", text));
  const { port } = await server.listen({ port: 0, host: "127.0.0.1" });
  return port;
});
