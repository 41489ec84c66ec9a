import { describe, expect, it, type TestContext } from "vitest";
import { type ClientSuiteContext, failureCode, sleep, TIMEOUT, until } from "../context.js";
import type { ConformanceClientOptions, ConformanceCloseInfo } from "../types.js";

/** Short delays keep the suite quick; what is retried, how often and how late is under test. */
const FAST = { initialDelay: 10, maxDelay: 50, jitter: 0.5 };
/** Long enough after a stop for a retry to have happened, were there one. */
const SETTLE_MS = FAST.maxDelay * 4;

/** Close codes retried by default, and those that stop the client. */
const RETRIED_CODES = [1001, 1006, 1011, 1012, 1013, 1014];
/** 1010 is not here: no Switchboard server sends it (it is meant for clients); see below. */
const STOPPING_CODES = [1000, 1003, 1007, 1008, 1009, 4000, 4999];
/** Upgrade answers retried by default, and those that stop the client. */
const RETRIED_STATUSES = [408, 429, 500, 502, 503];
const STOPPING_STATUSES = [400, 401, 403, 404, 410];

interface ErrorLike {
  code?: string;
  message?: string;
  info?: ConformanceCloseInfo;
  cause?: ErrorLike;
}

/** What a client reported, for the assertions. */
interface Record {
  opens: number;
  closes: [code: number, reason: string, reconnecting: boolean][];
  stops: ErrorLike[];
  errors: string[];
}

/** A client whose callbacks record into the returned `Record`. */
function recorded(ctx: ClientSuiteContext, options: ConformanceClientOptions = {}) {
  const record: Record = { opens: 0, closes: [], stops: [], errors: [] };
  const client = ctx.client({
    reconnect: FAST,
    ...options,
    onOpen: () => {
      record.opens++;
    },
    onClose: (code, reason, reconnecting) => record.closes.push([code, reason, reconnecting]),
    onStop: (error) => record.stops.push(error as ErrorLike),
    onError: (error) => record.errors.push(String((error as ErrorLike).code)),
  });
  return { client, record };
}

/** Reconnect that respects why the connection ended: the default policy and its overrides. */
export function reconnectPolicyCases(ctx: ClientSuiteContext): void {
  describe("reconnect policy", () => {
    it.each(RETRIED_CODES)("retries after the server closes with %i", async (code) => {
      const server = await ctx.server("probe");
      const { client, record } = recorded(ctx);
      await client.connect(server.wsUrl(`/?close=${code}&reason=again`));
      await until(async () => (await server.state()).opens.length >= 3, "two retries");
      // 1006 is a drop: no close frame, so no reason.
      expect(record.closes[0]).toEqual([code, code === 1006 ? "" : "again", true]);
      expect(record.stops).toEqual([]);
      expect(record.errors).toEqual([]);
    });

    it.each(STOPPING_CODES)(
      "stops after the server closes with %i, and says why in onClose, onStop and onError",
      async (code) => {
        const server = await ctx.server("probe");
        const { client, record } = recorded(ctx);
        await client.connect(server.wsUrl(`/?close=${code}&reason=go away`));
        await until(() => record.stops.length === 1, "onStop");
        await sleep(SETTLE_MS);
        expect(record.closes).toEqual([[code, "go away", false]]);
        const [stop] = record.stops;
        expect(stop?.code).toBe("CLOSED_BY_SERVER");
        expect(stop?.message).toBe(`CLOSED_BY_SERVER: ${code} go away`);
        expect(stop?.info).toMatchObject({ code, reason: "go away" });
        expect(record.errors).toEqual(["CLOSED_BY_SERVER"]);
        expect((await server.state()).upgrades).toBe(1);
        expect(client.isConnected).toBe(false);
      },
    );

    it.each(["onStop", "onClose"] as const)(
      "reconnect() from %s after a stop starts again: it opens, and what is sent then arrives",
      async (hook) => {
        // The client ran these before it was done closing: the new attempt was then killed
        // (or its promise rejected with the old stop), and what was sent on it discarded.
        const server = await ctx.server("probe");
        let url = server.wsUrl("/?close=1008&reason=stop");
        let again: Promise<void> | undefined;
        const restart = () => {
          url = server.wsUrl("/");
          again ??= client.reconnect();
        };
        const client = ctx.client({
          reconnect: FAST,
          onError: () => {},
          ...(hook === "onStop"
            ? { onStop: restart }
            : { onClose: (_code, _reason, reconnecting) => reconnecting || restart() }),
        });
        await client.connect(() => url).catch(() => {});
        await until(() => again !== undefined, hook);
        await again;
        expect(client.isConnected).toBe(true);
        client.send("after");
        expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("after");
        await client.close();
      },
    );

    it("stops after a close with 1010, which only a bare WebSocket server sends", async () => {
      const raw = await ctx.control.rawCloser(1010, "needs an extension");
      try {
        const { client, record } = recorded(ctx);
        await client.connect(raw.url).catch(() => {});
        await until(() => record.stops.length === 1, "onStop");
        await sleep(SETTLE_MS);
        expect(record.closes).toEqual([[1010, "needs an extension", false]]);
        expect(record.stops[0]?.code).toBe("CLOSED_BY_SERVER");
        expect(await raw.upgrades()).toBe(1);
      } finally {
        await raw.dispose();
      }
    });

    it.each(RETRIED_STATUSES)(
      "retries an upgrade refused with %i, up to maxRetries, then stops with RECONNECT_FAILED",
      async (status) => {
        const server = await ctx.server("probe");
        const { client, record } = recorded(ctx, { reconnect: { ...FAST, maxRetries: 2 } });
        const failure = client.connect(server.wsUrl(`/?refuse=${status}`));
        expect(await failureCode(failure)).toBe("RECONNECT_FAILED");
        // The first attempt and two retries.
        expect((await server.state()).upgrades).toBe(3);
        const refused = ctx.hiddenUpgradeStatus ? "CONNECT_FAILED" : "UPGRADE_REFUSED";
        expect(record.errors).toEqual([refused, refused]);
        const [stop] = record.stops;
        expect(stop?.code).toBe("RECONNECT_FAILED");
        expect(stop?.cause?.code).toBe(refused);
        expect(stop?.cause?.info?.status).toBe(ctx.hiddenUpgradeStatus ? undefined : status);
        expect(record.opens).toBe(0);
      },
    );

    it.each(STOPPING_STATUSES)(
      "stops at an upgrade refused with %i, with UPGRADE_REFUSED and the status",
      async (status) => {
        const server = await ctx.server("probe");
        const { client, record } = recorded(ctx, { reconnect: { ...FAST, maxRetries: 2 } });
        const failure = client.connect(server.wsUrl(`/?refuse=${status}`));
        if (ctx.hiddenUpgradeStatus) {
          // The documented fallback: a refusal looks like an unreachable server, retried as one.
          expect(await failureCode(failure)).toBe("RECONNECT_FAILED");
          expect((await server.state()).upgrades).toBe(3);
          expect(record.stops[0]?.cause?.info?.status).toBeUndefined();
          return;
        }
        expect(await failureCode(failure)).toBe("UPGRADE_REFUSED");
        await sleep(SETTLE_MS);
        expect((await server.state()).upgrades).toBe(1);
        const [stop] = record.stops;
        expect(stop?.code).toBe("UPGRADE_REFUSED");
        expect(stop?.info?.status).toBe(status);
        expect(stop?.message).toContain(String(status));
        // connect() got the error: nothing is left for onError.
        expect(record.errors).toEqual([]);
      },
    );

    it.for([429, 503])(
      "waits at least Retry-After before retrying an upgrade refused with %i",
      async (status, test: TestContext) => {
        if (ctx.hiddenUpgradeStatus) return test.skip(ctx.hiddenUpgradeStatus);
        const server = await ctx.server("probe");
        let first = 0;
        const { client } = recorded(ctx, {
          reconnect: { ...FAST, maxRetries: 1 },
          onError: () => {
            first ||= performance.now();
          },
        });
        const failure = client.connect(server.wsUrl(`/?refuse=${status}&retryAfter=1`));
        expect(await failureCode(failure)).toBe("RECONNECT_FAILED");
        expect((await server.state()).upgrades).toBe(2);
        // Timers may fire a hair early against performance.now(); the backoff alone is 10 ms.
        expect(performance.now() - first).toBeGreaterThanOrEqual(1000 - 5);
      },
    );

    it("a shouldReconnect that retries after 1008 still waits the longest backoff", async () => {
      const server = await ctx.server("probe");
      const seen: ConformanceCloseInfo[] = [];
      const opened: number[] = [];
      let closedAt = 0;
      const maxDelay = 400;
      const client = ctx.client({
        reconnect: {
          initialDelay: 10,
          maxDelay,
          jitter: 0,
          shouldReconnect: (info) => {
            seen.push(info);
            return true;
          },
        },
        onOpen: () => {
          opened.push(performance.now());
        },
        onClose: () => {
          closedAt ||= performance.now();
        },
      });
      await client.connect(server.wsUrl("/?close=1008&reason=rate limit"));
      await until(() => opened.length === 2, "the retry");
      expect(seen[0]).toMatchObject({ code: 1008, reason: "rate limit" });
      expect(opened[1]! - closedAt).toBeGreaterThanOrEqual(maxDelay - 5);
    });

    it("shouldReconnect overrides the default both ways", async () => {
      const server = await ctx.server("probe");
      const policy = {
        ...FAST,
        shouldReconnect: (info: ConformanceCloseInfo) => info.code === 4000,
      };
      const retried = recorded(ctx, { reconnect: policy });
      await retried.client.connect(server.wsUrl("/?close=4000&reason=x"));
      await until(async () => (await server.state()).opens.length >= 2, "a retry after 4000");
      expect(retried.record.closes[0]).toEqual([4000, "x", true]);

      const other = await ctx.server("probe");
      const stopped = recorded(ctx, { reconnect: policy });
      await stopped.client.connect(other.wsUrl("/?close=1012&reason=restart"));
      await until(() => stopped.record.stops.length === 1, "onStop after 1012");
      expect(stopped.record.stops[0]?.info?.code).toBe(1012);
      await sleep(SETTLE_MS);
      expect((await other.state()).opens).toHaveLength(1);
    });

    it("after maxRetries and onStop, reconnect() by hand still works", async () => {
      const server = await ctx.server("probe");
      let refusing = true;
      const { client, record } = recorded(ctx, { reconnect: { ...FAST, maxRetries: 1 } });
      const url = () => server.wsUrl(refusing ? "/?refuse=503" : "/");
      expect(await failureCode(client.connect(url))).toBe("RECONNECT_FAILED");
      expect(record.stops.map((stop) => stop.code)).toEqual(["RECONNECT_FAILED"]);
      expect((await server.state()).upgrades).toBe(2);
      refusing = false;
      await client.reconnect();
      expect(client.isConnected).toBe(true);
      client.send("back by hand");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("back by hand");
    });

    it("after a stop by the policy, reconnect() by hand connects again", async () => {
      const server = await ctx.server("probe");
      const { client, record } = recorded(ctx);
      await client.connect(server.wsUrl("/?close=1008&reason=rate limit"));
      await until(() => record.stops.length === 1, "onStop");
      await client.reconnect();
      expect(record.opens).toBe(2);
      await until(() => record.stops.length === 2, "the second onStop");
      expect((await server.state()).opens).toHaveLength(2);
    });
  });
}
