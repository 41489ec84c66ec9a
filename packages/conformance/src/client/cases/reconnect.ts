import { describe, expect } from "vitest";
import {
  type ClientSuiteContext,
  failureCode,
  sleep,
  TIMEOUT,
  thrownCode,
  until,
} from "../context.js";

/** Short delays keep the suite quick; the policy's shape is what is under test. */
const FAST = { initialDelay: 10, maxDelay: 50, jitter: 0.5 };

const codeOf = (error: unknown) => String((error as { code?: unknown }).code);

/** Opt-in reconnection: backoff, the send queue, URL functions, and when it must not happen. */
export function reconnectCases(ctx: ClientSuiteContext): void {
  const { it } = ctx;
  describe("reconnect", () => {
    const restart =
      "reconnects after the server restarts on the same port, then sends what was queued";
    it(restart, async () => {
      const server = await ctx.server("probe");
      let opens = 0;
      const closes: number[] = [];
      const errors: string[] = [];
      const client = ctx.client({
        reconnect: FAST,
        onOpen: () => {
          opens++;
        },
        onClose: (code) => closes.push(code),
        onError: (error) => errors.push(codeOf(error)),
      });
      await client.connect(server.wsUrl());
      await server.stop();
      await until(() => closes.length === 1, "onClose");
      expect(closes).toEqual([1001]);
      expect(client.isConnected).toBe(false);
      expect(client.send("sent while down")).toBe(false);

      await server.restart();
      await until(() => opens === 2, "the second open");
      expect(client.isConnected).toBe(true);
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("sent while down");
      expect(errors.every((code) => code === "CONNECT_FAILED")).toBe(true);
      expect((await server.state()).opens).toHaveLength(2);
    });

    it("a delay past what a timer keeps (Infinity, 2 ** 32 ms) waits: it never fires at once", async () => {
      // A timer fires a delay past 2 ** 31 - 1 ms after 1 ms (Node) or at once (browsers).
      const server = await ctx.server("probe");
      let closes = 0;
      const client = ctx.client({
        connectTimeout: Number.POSITIVE_INFINITY,
        reconnect: { initialDelay: 2 ** 32, maxDelay: 2 ** 33 },
        onClose: () => {
          closes++;
        },
      });
      await client.connect(server.wsUrl());
      const later = client.nextMessage({ timeout: 2 ** 32 });
      await sleep(50);
      client.send("late");
      expect((await later).text).toBe("late");
      // A drop: the backoff of 2 ** 32 ms keeps it waiting, not retrying in a loop.
      await server.stop();
      await until(() => closes === 1, "onClose");
      await server.restart();
      await sleep(200);
      expect(client.isConnected).toBe(false);
      expect((await server.state()).opens).toHaveLength(1);
      await client.close();
    });

    it("queues up to maxQueuedMessages, then send throws QUEUE_FULL; close() reports the unsent", async () => {
      const server = await ctx.server("probe");
      let closed = false;
      const errors: string[] = [];
      const client = ctx.client({
        reconnect: FAST,
        maxQueuedMessages: 3,
        onClose: () => {
          closed = true;
        },
        onError: (error) => errors.push(codeOf(error)),
      });
      await client.connect(server.wsUrl());
      await server.stop();
      await until(() => closed, "onClose");
      expect([client.send("1"), client.send("2"), client.send("3")]).toEqual([false, false, false]);
      expect(thrownCode(() => client.send("4"))).toBe("QUEUE_FULL");
      await client.close();
      expect(errors).toContain("QUEUE_DISCARDED");
    });

    it("does not reconnect after a deliberate close()", async () => {
      const server = await ctx.server("probe");
      let opens = 0;
      const client = ctx.client({
        reconnect: FAST,
        onOpen: () => {
          opens++;
        },
      });
      await client.connect(server.wsUrl());
      await client.close();
      // Several times the longest backoff: a reconnect would have happened by now.
      await sleep(FAST.maxDelay * 4);
      expect(opens).toBe(1);
      expect(client.isConnected).toBe(false);
      expect((await server.state()).opens).toHaveLength(1);
      expect(thrownCode(() => client.send("late"))).toBe("NOT_CONNECTED");
    });

    it("reconnect() by hand asks an async URL function again, which may pick another server", async () => {
      const first = await ctx.server("probe");
      const second = await ctx.server("probe");
      const urls = [first.wsUrl("/one"), second.wsUrl("/two")];
      let calls = 0;
      const closes: number[] = [];
      const client = ctx.client({ onClose: (code) => closes.push(code) });
      await client.connect(async () => urls[Math.min(calls++, 1)]!);
      expect(calls).toBe(1);
      await client.reconnect();
      expect(calls).toBe(2);
      expect(client.isConnected).toBe(true);
      expect(closes).toEqual([1000]);
      client.send("where am I");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("where am I");
      await until(
        async () => (await first.state()).clientCount === 0,
        "the first server to see the client leave",
      );
      expect((await second.state()).opens.map((open) => open.url)).toEqual(["/two"]);
    });

    it("retries with backoff and gives up after maxRetries with RECONNECT_FAILED", async () => {
      const port = await ctx.control.closedPort();
      let calls = 0;
      const errors: string[] = [];
      const client = ctx.client({
        reconnect: { ...FAST, maxRetries: 2 },
        onError: (error) => errors.push(codeOf(error)),
      });
      const code = await failureCode(
        client.connect(() => {
          calls++;
          return `ws://127.0.0.1:${port}/`;
        }),
      );
      expect(code).toBe("RECONNECT_FAILED");
      expect(calls).toBe(3);
      expect(errors).toEqual(["CONNECT_FAILED", "CONNECT_FAILED"]);
      expect(client.isConnected).toBe(false);
    });

    it("keeps trying while the server is down and connects once it is back", async () => {
      const server = await ctx.server("probe");
      await server.stop();
      let failures = 0;
      const client = ctx.client({
        reconnect: FAST,
        onError: () => {
          failures++;
        },
      });
      const connected = client.connect(server.wsUrl());
      await until(() => failures >= 2, "two failed attempts");
      expect(client.send("queued before the first open")).toBe(false);
      await server.restart();
      await connected;
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe(
        "queued before the first open",
      );
    });

    it("a failed attempt's connectTimeout never fires on the connection that follows it", async () => {
      const server = await ctx.server("probe");
      await server.stop();
      const errors: string[] = [];
      let closes = 0;
      const client = ctx.client({
        reconnect: FAST,
        connectTimeout: 300,
        onError: (error) => errors.push(codeOf(error)),
        onClose: () => {
          closes++;
        },
      });
      const connected = client.connect(server.wsUrl());
      await until(() => errors.length >= 2, "two failed attempts");
      await server.restart();
      await connected;
      // Past the timeout of every attempt that failed before the server came back.
      await sleep(600);
      expect(client.isConnected).toBe(true);
      expect(closes).toBe(0);
      expect(errors).not.toContain("CONNECT_TIMEOUT");
      client.send("still here");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("still here");
      await client.close();
    });
  });
}
