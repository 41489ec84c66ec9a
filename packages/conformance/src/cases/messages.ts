import { type Channel, Opcode, WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { EchoServer, patternBytes } from "../support/servers.js";

/** Messages in both directions, byte-exact, whole and fragmented. */
export function messageCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("messages", () => {
    it.each(
      [0, 1, 125, 126, 65535, 65536, 1024 * 1024],
      (size) => `round-trips ${size} binary bytes exactly`,
      async (size) => {
        const { server, wsUrl } = await ctx.start((backend) => new EchoServer({ backend }));
        const client = await TestClient.connect(wsUrl("/"));
        const payload = patternBytes(size, size + 7);
        client.send(payload);
        const echoed = await client.next();
        expect(echoed.binary).toBe(true);
        expect(echoed.data.byteLength).toBe(size);
        expect(Buffer.from(echoed.data).equals(Buffer.from(payload))).toBe(true);
        expect(server.frames).toEqual([{ size, opcode: Opcode.BINARY }]);
        expect(server.texts).toEqual([]);
        await client.close();
      },
    );

    it("delivers multi-byte UTF-8 text intact to onWsMessage and back", async () => {
      const { server, wsUrl } = await ctx.start((backend) => new EchoServer({ backend }));
      const client = await TestClient.connect(wsUrl("/"));
      const text = "héllo wörld — 日本語 — 🚀🎉 — Ωμέγα";
      client.send(text);
      const echoed = await client.next();
      expect(echoed.binary).toBe(false);
      expect(echoed.text).toBe(text);
      expect(server.texts).toEqual([text]);
      expect(server.frames).toEqual([{ size: Buffer.byteLength(text), opcode: Opcode.TEXT }]);
      await client.close();
    });

    it("sends an empty text message", async () => {
      const { server, wsUrl } = await ctx.start((backend) => new EchoServer({ backend }));
      const client = await TestClient.connect(wsUrl("/"));
      client.send("");
      const echoed = await client.next();
      expect(echoed).toMatchObject({ binary: false, text: "" });
      expect(server.texts).toEqual([""]);
      await client.close();
    });

    it.each(
      [
        ["text", Opcode.TEXT],
        ["binary", Opcode.BINARY],
      ] as const,
      ([kind]) => `joins a fragmented ${kind} send (fin = false … true) into one message`,
      async ([, opcode]) => {
        const parts = ["Hel", "lo, ", "frag", "ments ✓"];
        const { wsUrl } = await ctx.start(
          (backend) =>
            new WebServer({
              backend,
              onWsOpen(channel) {
                parts.forEach((part, i) => {
                  this.send(
                    channel,
                    opcode === Opcode.TEXT ? part : Buffer.from(part),
                    opcode,
                    i === parts.length - 1,
                  );
                });
                this.send(channel, "after");
              },
            }),
        );
        const client = await TestClient.connect(wsUrl("/"));
        const message = await client.next();
        expect(message.binary).toBe(opcode === Opcode.BINARY);
        expect(Buffer.from(message.data).toString()).toBe(parts.join(""));
        expect(await client.nextText()).toBe("after");
        await client.close();
      },
    );

    it("refuses to interleave a whole message into a fragmented one", async () => {
      const errors: string[] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsOpen(channel) {
              channel.send("first-", Opcode.TEXT, false);
              try {
                channel.send(new Uint8Array([1]), Opcode.BINARY);
              } catch (error) {
                errors.push((error as { code: string }).code);
              }
              channel.send("last", Opcode.TEXT, true);
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      expect(await client.nextText()).toBe("first-last");
      expect(errors).toEqual(["FRAGMENT_IN_PROGRESS"]);
      await client.close();
    });

    it("sends strings as TEXT and bytes as BINARY by default, and honours an explicit opcode", async () => {
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsOpen(channel) {
              channel.send("a string");
              channel.send(new Uint8Array([1, 2, 3]));
              channel.send("as binary", Opcode.BINARY);
              channel.send(new TextEncoder().encode("bytes as text"), Opcode.TEXT);
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      const got = [
        await client.next(),
        await client.next(),
        await client.next(),
        await client.next(),
      ];
      expect(got.map((m) => m.binary)).toEqual([false, true, true, false]);
      expect(Buffer.from(got[2]!.data).toString()).toBe("as binary");
      expect(got[3]!.text).toBe("bytes as text");
      await client.close();
    });

    it("rejects bad send arguments with clear errors", async () => {
      const codes: string[] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsOpen(channel) {
              const attempts = [
                () => channel.send(42 as unknown as string),
                () => channel.send("x", 7 as Opcode),
                () => channel.send(new Uint8Array([0xff, 0xfe]), Opcode.TEXT),
              ];
              for (const attempt of attempts) {
                try {
                  attempt();
                } catch (error) {
                  codes.push((error as { code: string }).code);
                }
              }
              channel.send("still open");
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      expect(await client.nextText()).toBe("still open");
      expect(codes).toEqual(["INVALID_ARGUMENT", "INVALID_ARGUMENT", "INVALID_ARGUMENT"]);
      await client.close();
    });

    it("closes with 1009 on a message over maxMessageBytes and delivers none of it", async () => {
      const seen: number[] = [];
      const closes: number[] = [];
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            maxMessageBytes: 1000,
            onWsMessageFrame(_channel, data) {
              seen.push(data.byteLength);
            },
            onWsClose(_channel, code) {
              closes.push(code);
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      client.send(patternBytes(1000));
      await eventually(() => seen.length === 1, 5000, "the message at the limit");
      client.send(patternBytes(1001));
      const closed = await client.closed;
      // The peer gets 1009, or a dropped connection (1006) from an engine that refuses oversize
      // messages itself without a close frame (uWebSockets.js); onWsClose gets 1009 on all.
      expect([1009, 1006]).toContain(closed.code);
      expect(seen).toEqual([1000]);
      await eventually(() => closes.length === 1, 5000, "onWsClose");
      expect(closes).toEqual([1009]);
      await eventually(() => server.clientCount === 0, 5000, "the channel to close");
      const other = await TestClient.connect(wsUrl("/"));
      other.send("x");
      await eventually(() => seen.length === 2, 5000, "a fresh client to be served");
      await other.close();
    });

    it("lets the caller reuse a buffer as soon as send returns", async () => {
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsOpen(channel) {
              const buffer = new Uint8Array(64 * 1024);
              for (let i = 0; i < 200; i++) {
                buffer.fill(i);
                channel.send(buffer);
              }
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      for (let i = 0; i < 200; i++) {
        const message = await client.next();
        expect(message.data.every((byte) => byte === i)).toBe(true);
      }
      await client.close();
    });

    it("keeps per-connection data on the channel", async () => {
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer<{ count: number }>({
            backend,
            onWsOpen(channel: Channel<{ count: number }>) {
              channel.data = { count: 0 };
            },
            onWsMessage(channel: Channel<{ count: number }>) {
              channel.data.count++;
              channel.send(String(channel.data.count));
            },
          }),
      );
      const a = await TestClient.connect(wsUrl("/"));
      const b = await TestClient.connect(wsUrl("/"));
      a.send("x");
      a.send("x");
      b.send("x");
      expect(await a.texts(2)).toEqual(["1", "2"]);
      expect(await b.texts(1)).toEqual(["1"]);
      await Promise.all([a.close(), b.close()]);
    });
  });
}
