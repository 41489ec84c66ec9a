import { describe, expect } from "vitest";
import { patternBytes } from "../../support/bytes.js";
import {
  type ClientSuiteContext,
  failureCode,
  firstDifference,
  TIMEOUT,
  until,
} from "../context.js";

const TEXT = 1;
const BINARY = 2;

/** Sending and receiving: bytes exact, nothing lost, nothing reordered. */
export function messageCases(ctx: ClientSuiteContext): void {
  const { it } = ctx;
  describe("messages", () => {
    it("binary messages come back byte for byte: 0 B and 1 MiB", async () => {
      const server = await ctx.server("probe");
      const frames: { data: Uint8Array; opcode: number }[] = [];
      const client = ctx.client({
        onMessageFrame: (data, opcode) => frames.push({ data, opcode }),
      });
      await client.connect(server.wsUrl());
      const big = patternBytes(1024 * 1024, 7);
      client.send(new Uint8Array(0));
      client.send(big);

      const empty = await client.nextMessage({ timeout: TIMEOUT });
      expect(empty.opcode).toBe(BINARY);
      expect(empty.data).toBeInstanceOf(Uint8Array);
      expect(empty.data.byteLength).toBe(0);
      const echoed = await client.nextMessage({ timeout: TIMEOUT });
      expect(echoed.opcode).toBe(BINARY);
      expect(echoed.data.byteLength).toBe(big.byteLength);
      expect(firstDifference(echoed.data, big)).toBe(-1);

      expect(frames.map((frame) => [frame.opcode, frame.data.byteLength])).toEqual([
        [BINARY, 0],
        [BINARY, big.byteLength],
      ]);
      expect(firstDifference(frames[1]!.data, big)).toBe(-1);
    });

    it("text arrives as onMessage text and as UTF-8 bytes in onMessageFrame", async () => {
      const server = await ctx.server("probe");
      const texts: string[] = [];
      const frames: { data: Uint8Array; opcode: number }[] = [];
      const client = ctx.client({
        onMessage: (text) => texts.push(text),
        onMessageFrame: (data, opcode) => frames.push({ data, opcode }),
      });
      await client.connect(server.wsUrl());
      client.send("héllo ✓ 🎉");
      const message = await client.nextMessage({ timeout: TIMEOUT });
      expect(message.opcode).toBe(TEXT);
      expect(message.text).toBe("héllo ✓ 🎉");
      expect(texts).toEqual(["héllo ✓ 🎉"]);
      expect(frames).toHaveLength(1);
      expect(frames[0]!.opcode).toBe(TEXT);
      expect(frames[0]!.data).toEqual(new TextEncoder().encode("héllo ✓ 🎉"));
    });

    it("sends an ArrayBuffer and typed-array views as exactly their bytes", async () => {
      const server = await ctx.server("probe");
      const client = ctx.client();
      await client.connect(server.wsUrl());
      const bytes = patternBytes(64, 3);
      client.send(bytes.slice().buffer);
      client.send(new DataView(bytes.buffer, 8, 16));
      client.send(new Uint16Array(bytes.buffer, 32, 4));
      expect((await client.nextMessage({ timeout: TIMEOUT })).data).toEqual(bytes);
      expect((await client.nextMessage({ timeout: TIMEOUT })).data).toEqual(bytes.slice(8, 24));
      expect((await client.nextMessage({ timeout: TIMEOUT })).data).toEqual(bytes.slice(32, 40));
    });

    it("loses no message between connect() resolving and the first nextMessage()", async () => {
      const server = await ctx.server("probe");
      const client = ctx.client();
      // The server sends 200 messages the moment the connection opens.
      await client.connect(server.wsUrl("/?burst=200"));
      await until(
        async () => (await server.state()).opens.length === 1,
        "the server to see the client",
      );
      const texts: string[] = [];
      for (let i = 0; i < 100; i++)
        texts.push((await client.nextMessage({ timeout: TIMEOUT })).text);
      for await (const message of client) {
        texts.push(message.text);
        if (texts.length === 200) break;
      }
      expect(texts).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    });

    it("for await yields every message in order and ends when the client closes", async () => {
      const server = await ctx.server("probe");
      const client = ctx.client();
      await client.connect(server.wsUrl());
      const words = ["a", "b", "c"];
      for (const word of words) client.send(word);
      const seen: string[] = [];
      for await (const message of client) {
        seen.push(message.text);
        if (seen.length === words.length) void client.close();
      }
      expect(seen).toEqual(words);
      expect(await failureCode(client.nextMessage({ timeout: TIMEOUT }))).toBe("CLOSED");
    });

    it("nextMessage({ timeout }) rejects with TIMEOUT and the client stays usable", async () => {
      const server = await ctx.server("probe");
      const client = ctx.client();
      await client.connect(server.wsUrl());
      expect(await failureCode(client.nextMessage({ timeout: 20 }))).toBe("TIMEOUT");
      client.send("still here");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("still here");
    });

    it("keeps at most maxUnreadMessages, drops the oldest, and says so once per flood", async () => {
      const server = await ctx.server("probe");
      const errors: string[] = [];
      let delivered = 0;
      const client = ctx.client({
        maxUnreadMessages: 5,
        onMessage: () => {
          delivered++;
        },
        onError: (error) => errors.push(String((error as { code?: string }).code)),
      });
      await client.connect(server.wsUrl("/?burst=20"));
      await until(() => delivered === 20, "20 messages");
      expect(errors).toEqual(["MESSAGES_DROPPED"]);
      const kept: string[] = [];
      for (let i = 0; i < 5; i++) kept.push((await client.nextMessage({ timeout: TIMEOUT })).text);
      expect(kept).toEqual(["m15", "m16", "m17", "m18", "m19"]);
    });

    it("offers subprotocols; the server's pick is client.protocol", async () => {
      const server = await ctx.server("probe");
      const client = ctx.client({ protocols: ["chat.v2", "chat.v1"] });
      await client.connect(server.wsUrl());
      expect(client.protocol).toBe("chat.v2");
      await until(async () => (await server.state()).opens.length === 1, "the open");
      expect((await server.state()).opens[0]!.protocol).toBe("chat.v2");
    });

    it("send returns false exactly while the buffer is at highWaterMark, drain() resolves at lowWaterMark, nothing is lost or reordered", async () => {
      const server = await ctx.server("probe");
      const highWaterMark = 64 * 1024;
      const client = ctx.client({ highWaterMark, lowWaterMark: 16 * 1024 });
      await client.connect(server.wsUrl("/?sink=1"));
      const size = 64 * 1024;
      let sent = 0;
      let refused = false;
      // Browsers count every send in bufferedAmount at once; in Node a fast reader may keep the
      // socket buffer empty, so the loop is bounded (16 MiB) rather than run until refused.
      while (sent < 256 && !refused) {
        const message = new Uint8Array(size);
        new DataView(message.buffer).setUint32(0, sent);
        const ok = client.send(message);
        sent++;
        expect(ok).toBe(client.bufferedAmount < highWaterMark);
        refused = !ok;
      }
      await client.drain();
      expect(client.bufferedAmount).toBeLessThanOrEqual(16 * 1024);
      await until(
        async () => (await server.state()).sunk.count === sent,
        "every message to arrive",
      );
      expect((await server.state()).sunk).toEqual({
        count: sent,
        bytes: sent * size,
        inOrder: true,
      });
      await client.close();
      await expect(client.drain()).rejects.toMatchObject({ code: "NOT_CONNECTED" });
    });

    it("a callback that throws goes to onError and delivery goes on", async () => {
      const server = await ctx.server("probe");
      const errors: unknown[] = [];
      const client = ctx.client({
        onMessage: (text) => {
          if (text === "boom") throw new Error("callback failed");
        },
        onError: (error) => errors.push(error),
      });
      await client.connect(server.wsUrl());
      client.send("boom");
      client.send("after");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("boom");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("after");
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).message).toBe("callback failed");
      expect(client.isConnected).toBe(true);
    });
  });
}
