// ws-specific: this binding frames broadcasts itself (once for every recipient) instead of
// letting ws frame each copy, so the three length encodings of RFC 6455 are checked here
// against ws's own client parser, with and without permessage-deflate (where ws sends them).
import { type Channel, Opcode, WebServer } from "@switchboard/core";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { wsBackend } from "../src/index.js";

class Relay extends WebServer {
  override onWsMessageFrame(channel: Channel, data: Uint8Array): void {
    this.broadcast(data, {
      opcode: channel.url === "/text" ? Opcode.TEXT : Opcode.BINARY,
      exclude: channel,
    });
  }
}

const servers: WebServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function open(url: string, deflate: boolean): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: deflate });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  return ws;
}

/** Every message a client gets, from the start. */
function inbox(ws: WebSocket): { data: Buffer; isBinary: boolean }[] {
  const got: { data: Buffer; isBinary: boolean }[] = [];
  ws.on("message", (data: Buffer, isBinary: boolean) => got.push({ data, isBinary }));
  return got;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}

describe.each([false, true])(
  "broadcasts framed by the binding (permessage-deflate %s)",
  (deflate) => {
    it.each([0, 2, 125, 126, 65_535, 65_536, 200_000])(
      "a %i-byte broadcast reaches every other client intact and in order",
      async (size) => {
        const server = new Relay({
          backend: wsBackend(),
          perMessageDeflate: deflate,
          maxMessageBytes: 1024 * 1024,
        });
        servers.push(server);
        const { port } = await server.listen({ port: 0, host: "127.0.0.1" });
        const path = size % 2 === 0 ? "/binary" : "/text";
        const url = `ws://127.0.0.1:${port}${path}`;
        const sender = await open(url, deflate);
        const receivers = [await open(url, deflate), await open(url, deflate)];
        const payload = Buffer.alloc(size, size % 2 === 0 ? 0xa7 : 0x61);
        const inboxes = receivers.map(inbox);
        sender.send(payload, { binary: path === "/binary" });
        sender.send(Buffer.from("after"), { binary: path === "/binary" });
        await until(() => inboxes.every((got) => got.length >= 2));
        for (const got of inboxes) {
          expect(got).toHaveLength(2);
          expect(got.map((m) => m.isBinary)).toEqual([path === "/binary", path === "/binary"]);
          expect(got[0]?.data.equals(payload)).toBe(true);
          expect(got[1]?.data.toString()).toBe("after");
        }
        for (const ws of [sender, ...receivers]) ws.terminate();
      },
    );
  },
);
