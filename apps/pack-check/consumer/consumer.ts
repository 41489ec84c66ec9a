// Type-checked, not run: proves the published declarations resolve from an ESM TypeScript file.
import { WebSocketClient as BrowserClient } from "@switchboard/client-browser";
import { type Message, WebSocketClient } from "@switchboard/client-node";
import { type ServerConformanceOptions, TestClient } from "@switchboard/conformance";
import type { ConformanceClient } from "@switchboard/conformance/client";
import { type ClientBackend, clientServers } from "@switchboard/conformance/client-servers";
import { type Channel, Opcode, WebServer } from "@switchboard/core";
import { type RedisPubSubOptions, redisPubSub } from "@switchboard/pubsub-redis";
import { uwsBackend } from "@switchboard/server-uws";
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
const redis: RedisPubSubOptions = { url: "redis://127.0.0.1:6379", prefix: "app:" };
const server = new Echo({ backend: wsBackend(options), pubsub: redisPubSub(redis) });
const onUws = new Echo({ backend: uwsBackend() });
const bound: { port: number; url: string } = await server.listen({ host: "127.0.0.1", port: 0 });
export const url: string = bound.url;
await server.close();
await onUws.close();

const client = new WebSocketClient({ reconnect: { maxRetries: 3 } });
export const next: Promise<Message> = client.nextMessage({ timeout: 1000 });
export const browser: ConformanceClient = new BrowserClient();
export const suite: ServerConformanceOptions = { name: "ws", backend: () => wsBackend() };
export const backends: ClientBackend[] = [{ name: "uws", backend: () => uwsBackend() }];
export const setup = clientServers(backends);
export const testClient: Promise<TestClient> = TestClient.connect(url);

// @ts-expect-error Opcode values are 1 | 2, not any number.
export const wrong: Opcode = 3;
