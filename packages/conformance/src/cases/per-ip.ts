import type { Admission } from "@switchboard/core";
import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";

/** Loopback addresses other than 127.0.0.1: Linux routes all of 127.0.0.0/8 to lo. */
const SECOND_ADDRESS = "127.0.0.2";
const THIRD = "127.0.0.3";

const refusal = async (promise: Promise<TestClient>): Promise<string> => {
  try {
    const client = await promise;
    await client.close();
    return "accepted";
  } catch (error) {
    return String(error);
  }
};

/** `maxConnectionsPerIp`: one address cannot take every slot, on every engine. */
export function perIpCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("connections per address", () => {
    it("refuses an address past maxConnectionsPerIp with 429, admits other addresses and still serves HTTP", async () => {
      const { server, wsUrl, httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            maxConnectionsPerIp: 2,
            onInit() {
              this.get("/ping", () => "pong");
            },
          }),
      );
      const a = await TestClient.connect(wsUrl("/"));
      const b = await TestClient.connect(wsUrl("/"));
      expect(await refusal(TestClient.connect(wsUrl("/")))).toMatch(/429/);
      const other = await TestClient.connect(wsUrl("/"), { localAddress: SECOND_ADDRESS });
      expect(await (await fetch(httpUrl("/ping"))).text()).toBe("pong");
      expect(server.stats.upgradesRefused).toBe(1);
      expect(server.clientCount).toBe(3);
      await Promise.all([a.close(), b.close(), other.close()]);
    });

    it.each(
      [false, true],
      (later) =>
        `holds the cap for a burst of concurrent upgrades decided ${later ? "later" : "at once"}`,
      async (later) => {
        const { server, wsUrl } = await ctx.start(
          (backend) =>
            new WebServer({
              backend,
              maxConnectionsPerIp: 3,
              async onWsUpgrade(_request, admission) {
                if (later) await new Promise((resolve) => setTimeout(resolve, 10));
                admission.accept();
              },
            }),
        );
        const attempts = await Promise.allSettled(
          Array.from({ length: 12 }, () => TestClient.connect(wsUrl("/"), { localAddress: THIRD })),
        );
        const admitted = attempts.flatMap((a) => (a.status === "fulfilled" ? [a.value] : []));
        expect(admitted).toHaveLength(3);
        expect(server.clientCount).toBe(3);
        for (const attempt of attempts) {
          if (attempt.status === "rejected") expect(String(attempt.reason)).toMatch(/429/);
        }
        await Promise.all(admitted.map((client) => client.close()));
      },
    );

    it("frees an address's slot when its channel closes, however it ends", async () => {
      const { server, wsUrl } = await ctx.start(
        (backend) => new WebServer({ backend, maxConnectionsPerIp: 1 }),
      );
      for (let round = 0; round < 3; round++) {
        const client = await TestClient.connect(wsUrl("/"));
        expect(await refusal(TestClient.connect(wsUrl("/")))).toMatch(/429/);
        if (round === 1) client.ws.terminate();
        else if (round === 2) [...server.channels][0]?.close(1000, "bye");
        else await client.close();
        await eventually(() => server.clientCount === 0, 5000, "the channel to go");
      }
      const last = await TestClient.connect(wsUrl("/"));
      expect(server.stats.upgradesRefused).toBe(3);
      await last.close();
    });

    it("counts pending upgrades against the cap and frees them when refused or timed out", async () => {
      const pending: Admission[] = [];
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            maxConnectionsPerIp: 1,
            upgradeTimeoutMs: 300,
            onWsUpgrade(request, admission) {
              if (request.query.has("now")) admission.accept();
              else pending.push(admission);
            },
          }),
      );
      const waiting = refusal(TestClient.connect(wsUrl("/")));
      await eventually(() => pending.length === 1, 5000, "the upgrade to be pending");
      expect(await refusal(TestClient.connect(wsUrl("/?now")))).toMatch(/429/);
      pending[0]?.reject(403);
      expect(await waiting).toMatch(/403/);
      const timedOut = refusal(TestClient.connect(wsUrl("/")));
      expect(await timedOut).toMatch(/408/);
      const admitted = await TestClient.connect(wsUrl("/?now"));
      expect(server.clientCount).toBe(1);
      await admitted.close();
    });

    it("is off by default, and rejects a cap that is not 0 or a positive integer", async () => {
      const { server, wsUrl } = await ctx.start((backend) => new WebServer({ backend }));
      expect(server.limits.maxConnectionsPerIp).toBe(0);
      const clients = await Promise.all(
        Array.from({ length: 5 }, () => TestClient.connect(wsUrl("/"))),
      );
      expect(server.clientCount).toBe(5);
      await Promise.all(clients.map((client) => client.close()));
      for (const bad of [-1, 1.5, Number.NaN, "4"]) {
        expect(
          () => new WebServer({ backend: ctx.backend(), maxConnectionsPerIp: bad as number }),
        ).toThrow(/maxConnectionsPerIp must be 0 \(off\) or a positive integer/);
      }
    });
  });
}
