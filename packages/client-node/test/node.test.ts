import { ChatServer } from "@switchboard/conformance";
import { WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";
import { afterEach, describe, expect, it } from "vitest";
import { ClientError, Opcode, WebSocketClient } from "../src/index.js";

const servers: WebServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(server: WebServer): Promise<string> {
  servers.push(server);
  const { port } = await server.listen({ port: 0, host: "127.0.0.1" });
  return `ws://127.0.0.1:${port}`;
}

/** The tutorial's ChatClient, subclassed the same way. */
class ChatClient extends WebSocketClient {
  readonly received: string[] = [];
  readonly log: string[] = [];

  constructor(readonly name: string) {
    super();
  }

  override onOpen() {
    this.log.push(`[${this.name}] connected`);
  }

  override onClose() {
    this.log.push(`[${this.name}] disconnected`);
  }

  override onMessage(text: string) {
    this.received.push(text);
  }
}

describe("client-node specifics", () => {
  it("works subclassed, as the tutorial's ChatClient", async () => {
    const url = await start(new ChatServer({ backend: wsBackend() }));
    const alice = new ChatClient("alice");
    await alice.connect(`${url}/chat`);
    await alice.nextMessage({ timeout: 5000 });
    alice.send("hello server!");
    await alice.nextMessage({ timeout: 5000 });
    await alice.close();
    expect(alice.received).toEqual(["welcome user_1", "echo: hello server!"]);
    expect(alice.log).toEqual(["[alice] connected", "[alice] disconnected"]);
  });

  it("sends request headers on connect", async () => {
    const url = await start(
      new WebServer({ backend: wsBackend(), allowedOrigins: ["https://app.example"] }),
    );
    const refused = new WebSocketClient();
    await expect(refused.connect(url)).rejects.toMatchObject({
      code: "UPGRADE_REFUSED",
      info: { status: 403 },
    });
    const allowed = new WebSocketClient({ headers: { origin: "https://app.example" } });
    await allowed.connect(url);
    expect(allowed.isConnected).toBe(true);
    await allowed.close();
  });

  it("says why a refused upgrade failed", async () => {
    const url = await start(
      new WebServer({ backend: wsBackend(), allowedOrigins: ["https://app.example"] }),
    );
    const error = await new WebSocketClient().connect(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).message).toMatch(/403/);
  });

  it("delivers binary as a plain Uint8Array, not a Buffer", async () => {
    const url = await start(
      new WebServer({
        backend: wsBackend(),
        onWsOpen(channel) {
          channel.send(new Uint8Array([1, 2, 3]));
        },
      }),
    );
    const client = new WebSocketClient();
    await client.connect(url);
    const message = await client.nextMessage({ timeout: 5000 });
    expect(message.opcode).toBe(Opcode.BINARY);
    expect(Object.getPrototypeOf(message.data)).toBe(Uint8Array.prototype);
    expect([...message.data]).toEqual([1, 2, 3]);
    await client.close();
  });

  it("refuses options that make no sense", () => {
    expect(() => new WebSocketClient({ connectTimeout: -1 })).toThrow(
      expect.objectContaining({ code: "INVALID_OPTION" }),
    );
    for (const options of [
      { connectTimeout: Number.NaN },
      { maxQueuedMessages: -1 },
      { maxUnreadMessages: "5" as unknown as number },
      { reconnect: { maxDelay: -1 } },
      { reconnect: { maxRetries: Number.NaN } },
    ]) {
      expect(() => new WebSocketClient(options), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: "INVALID_OPTION" }),
      );
    }
  });
});
