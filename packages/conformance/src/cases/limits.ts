import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";

/** Connection and rate limits, and option validation, enforced by core on every engine. */
export function limitCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("limits", () => {
    it("refuses upgrades past maxConnections with 503 and still serves HTTP", async () => {
      const { server, wsUrl, httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            maxConnections: 2,
            onInit() {
              this.get("/ping", () => "pong");
            },
          }),
      );
      const a = await TestClient.connect(wsUrl("/"));
      const b = await TestClient.connect(wsUrl("/"));
      await expect(TestClient.connect(wsUrl("/"))).rejects.toThrow(/503/);
      expect(await (await fetch(httpUrl("/ping"))).text()).toBe("pong");
      expect(server.stats.upgradesRefused).toBe(1);
      await a.close();
      await eventually(() => server.clientCount === 1, 5000, "a slot to free up");
      const c = await TestClient.connect(wsUrl("/"));
      await Promise.all([b.close(), c.close()]);
    });

    it("closes a channel over maxMessagesPerSecond with 1008 and delivers nothing past the budget", async () => {
      const seen: string[] = [];
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            maxMessagesPerSecond: 5,
            onWsMessage(_channel, text) {
              seen.push(text);
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      for (let i = 0; i < 20; i++) client.send(String(i));
      expect((await client.closed).code).toBe(1008);
      expect(seen).toEqual(["0", "1", "2", "3", "4"]);
      expect(server.stats.rateLimited).toBe(1);
    });

    it("closes a channel whose messages pile up behind an async callback past maxQueuedMessageBytes with 1008, after delivering what waited", async () => {
      const seen: string[] = [];
      const errors: unknown[] = [];
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            // Each waiting message counts its 1000 bytes plus 1024: three fit, the fourth does not.
            maxQueuedMessageBytes: 7000,
            async onWsMessage(_channel, text) {
              seen.push(text.slice(0, 1));
              await gate;
            },
            onError(error) {
              errors.push(error);
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      for (const letter of "abcdefgh") client.send(letter.repeat(1000));
      const closed = await client.closed;
      expect(closed.code).toBe(1008);
      expect(closed.reason).toBe("too many messages waiting");
      release();
      // The first ran at once; the three that waited are delivered in order, nothing after them.
      await eventually(() => seen.length === 4, 5000, "the waiting messages to be delivered");
      expect(seen).toEqual(["a", "b", "c", "d"]);
      expect(server.stats.queueOverflowed).toBe(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: "QUEUE_OVERFLOW" });
    });

    it("delivers every message, in order, that waits behind an async callback within maxQueuedMessageBytes", async () => {
      const seen: number[] = [];
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            async onWsMessage(_channel, text) {
              await new Promise((resolve) => setTimeout(resolve, 1));
              seen.push(Number(text));
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      for (let i = 0; i < 200; i++) client.send(String(i));
      await eventually(() => seen.length === 200, 10_000, "200 messages");
      expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(server.stats.queueOverflowed).toBe(0);
      await client.close();
    });

    it.each(
      [
        [{ maxMessageBytes: 0 }, /maxMessageBytes/],
        [{ maxQueuedMessageBytes: 0 }, /maxQueuedMessageBytes/],
        [{ maxMessageBytes: -5 }, /maxMessageBytes/],
        // Engines keep it in 32 bits, signed or not: 2 ** 32 + 5 let 5 bytes through on uWS.
        [{ maxMessageBytes: 2 ** 30 + 1 }, /maxMessageBytes must be at most 1073741824/],
        [{ maxMessageBytes: 2 ** 32 + 5 }, /maxMessageBytes/],
        [{ maxBodyBytes: 1.5 }, /maxBodyBytes/],
        [{ maxConnections: Number.NaN }, /maxConnections/],
        [{ highWaterMark: 10, maxBufferedBytes: 5 }, /highWaterMark/],
        [{ lowWaterMark: 100, highWaterMark: 10 }, /lowWaterMark/],
        [{ heartbeatIntervalMs: -1 }, /heartbeatIntervalMs/],
        [{ idleTimeoutMs: "5" }, /idleTimeoutMs/],
        // A timer fires a delay past 2 ** 31 - 1 ms after 1 ms: a ping every millisecond.
        [{ heartbeatIntervalMs: 2 ** 31 }, /heartbeatIntervalMs must be at most 2147483647/],
        [{ idleTimeoutMs: 2 ** 32 }, /idleTimeoutMs/],
        [{ closeTimeoutMs: 2 ** 31 }, /closeTimeoutMs/],
        [{ upgradeTimeoutMs: 2 ** 40 }, /upgradeTimeoutMs/],
        [{ headersTimeoutMs: 2 ** 31 }, /headersTimeoutMs/],
        [{ bodyTimeoutMs: 2 ** 31 }, /bodyTimeoutMs/],
        [{ perMessageDeflate: "yes" }, /perMessageDeflate/],
        [{ allowedOrigins: "https://a" }, /allowedOrigins/],
        [{ maxMesageBytes: 10 }, /unknown server option "maxMesageBytes"/],
      ] as const,
      ([options]) => `rejects the invalid option ${JSON.stringify(options)} with a clear error`,
      ([options, message]) => {
        expect(() => new WebServer({ backend: ctx.backend(), ...(options as object) })).toThrow(
          message,
        );
      },
    );

    it("accepts the longest delay a timer keeps, 2 ** 31 - 1 ms, and keeps channels open with it", async () => {
      const longest = 2 ** 31 - 1;
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            heartbeatIntervalMs: longest,
            idleTimeoutMs: longest,
            closeTimeoutMs: longest,
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      // Past 2 ** 31 - 1 a timer would have fired after 1 ms and dropped the channel.
      const open = new Promise((resolve) => setTimeout(resolve, 100, "open"));
      await expect(Promise.race([client.closed, open])).resolves.toBe("open");
      await client.close();
    });

    it("needs a backend", () => {
      expect(() => new WebServer({} as never)).toThrow(/backend/);
    });
  });
}
