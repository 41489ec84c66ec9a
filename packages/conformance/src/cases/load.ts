import { type Channel, WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { setReading } from "../support/paused.js";

const MiB = 1024 * 1024;

/** Many connections and a hostile slow reader, with exact delivery and bounded memory. */
export function loadCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("load", () => {
    it("1,000 concurrent clients each receive every broadcast exactly once, in order", async () => {
      const { server, wsUrl } = await ctx.start((backend) => new WebServer({ backend }));
      const count = 1000;
      const clients: TestClient[] = [];
      for (let i = 0; i < count; i += 50) {
        clients.push(
          ...(await Promise.all(Array.from({ length: 50 }, () => TestClient.connect(wsUrl("/"))))),
        );
      }
      await eventually(() => server.clientCount === count, 20_000, "1,000 open channels");
      const rounds = 20;
      for (let r = 0; r < rounds; r++) expect(server.broadcast(`broadcast ${r}`)).toBe(count);
      const expected = Array.from({ length: rounds }, (_, r) => `broadcast ${r}`);
      for (const client of clients) {
        expect(await client.texts(rounds, 20_000)).toEqual(expected);
      }
      for (const client of clients) expect(await client.silentFor(0)).toBe(true);
      for (const client of clients) client.drop();
      await eventually(() => server.clientCount === 0, 20_000, "every channel to close");
    }, 120_000);

    it("a slow reader cannot grow server memory without bound", async () => {
      const maxBufferedBytes = 4 * MiB;
      let channel: Channel | undefined;
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            maxBufferedBytes,
            highWaterMark: 1 * MiB,
            onWsOpen(ch) {
              channel = ch;
            },
            onError: () => {},
          }),
      );
      const client = await TestClient.connect(wsUrl("/"), { pausable: true });
      await eventually(() => channel !== undefined, 5000, "the channel");
      setReading(client, false);
      const chunk = new Uint8Array(256 * 1024);
      const rssBefore = process.memoryUsage().rss;
      let peakBuffered = 0;
      let sent = 0;
      // An unbounded server would queue all 256 MiB; this one must stop at maxBufferedBytes.
      try {
        for (; sent < 1024; sent++) {
          channel!.send(chunk);
          peakBuffered = Math.max(peakBuffered, channel!.bufferedAmount);
          if (sent % 16 === 0) await new Promise((r) => setTimeout(r, 1));
        }
      } catch (error) {
        expect(error).toMatchObject({ code: "BUFFER_OVERFLOW" });
      }
      const rssGrowth = process.memoryUsage().rss - rssBefore;
      expect(sent).toBeLessThan(1024);
      expect(peakBuffered).toBeLessThanOrEqual(maxBufferedBytes);
      expect(rssGrowth).toBeLessThan(128 * MiB);
      expect(server.stats.overflowed).toBe(1);
      console.log(
        `[${ctx.backend().name}] slow reader: ${sent} × 256 KiB accepted before overflow, peak buffered ${(peakBuffered / MiB).toFixed(2)} MiB, RSS growth ${(rssGrowth / MiB).toFixed(1)} MiB`,
      );
      setReading(client, true);
      client.drop();
    }, 60_000);
  });
}
