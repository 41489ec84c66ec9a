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

    it.each(
      [
        [{ maxMessageBytes: 0 }, /maxMessageBytes/],
        [{ maxMessageBytes: -5 }, /maxMessageBytes/],
        [{ maxBodyBytes: 1.5 }, /maxBodyBytes/],
        [{ maxConnections: Number.NaN }, /maxConnections/],
        [{ highWaterMark: 10, maxBufferedBytes: 5 }, /highWaterMark/],
        [{ lowWaterMark: 100, highWaterMark: 10 }, /lowWaterMark/],
        [{ heartbeatIntervalMs: -1 }, /heartbeatIntervalMs/],
        [{ idleTimeoutMs: "5" }, /idleTimeoutMs/],
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

    it("needs a backend", () => {
      expect(() => new WebServer({} as never)).toThrow(/backend/);
    });
  });
}
