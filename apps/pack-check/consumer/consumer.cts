// Type-checked, not run: proves the published declarations resolve from a CommonJS TypeScript file.
import { WebSocketClient as BrowserClient } from "@switchboard/client-browser";
import { WebSocketClient } from "@switchboard/client-node";
import { clientServers } from "@switchboard/conformance/client-servers";
import { type Channel, Opcode, WebServer } from "@switchboard/core";
import { redisCounter } from "@switchboard/pubsub-redis";
import { uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";

export function start(): Promise<{ port: number; url: string }> {
  const server = new WebServer({
    backend: Math.random() > 0.5 ? wsBackend() : uwsBackend(),
    onWsMessage(channel: Channel, text: string) {
      this.send(channel, text, Opcode.TEXT, true);
    },
  });
  return server.listen({ port: 0 });
}

export const clients = [new WebSocketClient(), new BrowserClient()];
export const counter = redisCounter("redis://127.0.0.1:6379", "n");
export const setup = clientServers([{ name: "ws", backend: () => wsBackend() }]);
