import { describe, expect, it as vitestIt } from "vitest";
import { type ClientSuiteContext, sleep, TIMEOUT, until } from "../context.js";

/** Quick retries: the cut, not the backoff, is under test. */
const FAST = { initialDelay: 10, maxDelay: 50, jitter: 0.5 };

const numbers = (count: number, prefix = "") =>
  Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

/** Waits longer than `until` does: 10,000 messages and five reconnects. */
async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 6 * TIMEOUT;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** `recover` against a server with `recovery` on, through a proxy that cuts the link. */
export function recoveryCases(ctx: ClientSuiteContext): void {
  const { it } = ctx;
  describe("recovery", () => {
    it("five cuts while the server sends 10,000 messages and the client 1,000: each exactly once, in order", async () => {
      const server = await ctx.server("recovery");
      const proxy = await ctx.control.cutProxy(server);
      const received: string[] = [];
      let opens = 0;
      const client = ctx.client({
        recover: true,
        reconnect: FAST,
        maxQueuedMessages: 1000,
        maxUnreadMessages: 0,
        onError: () => {},
        onMessage: (text) => received.push(text),
        onOpen: () => {
          opens++;
        },
      });
      await client.connect(proxy.wsUrl());
      expect(client.recovered).toBe(false);
      const pumped = proxy.pump(10_000, 5);
      for (let n = 1; n <= 1000; n++) {
        client.send(`c${n}`);
        if (n % 10 === 0) await sleep(2);
      }
      await pumped;
      await waitFor(
        async () => received.length >= 10_000 && (await server.state()).recovery.got.length >= 1000,
        "every message on both sides",
      );
      const { recovery } = await server.state();
      expect(received).toEqual(numbers(10_000));
      expect(recovery.got).toEqual(numbers(1000, "c"));
      expect(recovery.opens).toBe(1);
      expect(recovery.closes).toEqual([]);
      expect(recovery.recovers).toBeGreaterThanOrEqual(1);
      expect(opens).toBeGreaterThanOrEqual(2);
      expect(client.recovered).toBe(true);
      expect(client.protocol).toBe("");
    });

    it("after the window: recovered is false, the server closed the old channel and opened a new one", async () => {
      const server = await ctx.server("recovery-short");
      const proxy = await ctx.control.cutProxy(server);
      // The first retry comes after the 300 ms window.
      const client = ctx.client({
        recover: true,
        reconnect: { initialDelay: 800, maxDelay: 800, jitter: 0 },
      });
      await client.connect(proxy.wsUrl());
      client.send("first");
      await until(
        async () => (await server.state()).recovery.got.length === 1,
        "the first message",
      );
      await proxy.cut();
      await until(
        async () => (await server.state()).recovery.closes.length === 1,
        "the window to pass",
      );
      await until(() => client.isConnected, "the new session");
      expect((await server.state()).recovery.opens).toBe(2);
      expect(client.recovered).toBe(false);
      const { recovery } = await server.state();
      expect(recovery.closes[0]?.[0]).toBe(1006);
      expect(recovery.recovers).toBe(0);
    });

    // vitest's own `it`, as the typed events cases use, for its context's skip().
    vitestIt(
      "typed events over recovery: events and a request across a cut, each exactly once, in order",
      async (test) => {
        const server = await ctx.server("events-recovery");
        const proxy = await ctx.control.cutProxy(server);
        const client = ctx.client({ recover: true, reconnect: FAST });
        const events = ctx.events(client);
        if (!events) {
          test.skip("this client package offers no typed events (createEvents)");
          return;
        }
        const echoes: unknown[] = [];
        events.on("echo", (payload) => {
          echoes.push(payload);
        });
        await client.connect(proxy.wsUrl());
        expect(events.negotiated).toBe(true);
        for (let n = 1; n <= 100; n++) {
          events.emit("echo", n);
          if (n === 50) await proxy.cut();
        }
        await waitFor(() => echoes.length >= 100, "100 echoes");
        await sleep(50);
        expect(echoes).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
        expect(await events.request("add", { a: 2, b: 3 })).toBe(5);
        expect(client.recovered).toBe(true);
        expect(client.protocol).toBe("switchboard.v1.json");
      },
      30_000,
    );

    vitestIt(
      "typed events over recovery: a request in flight when the link is cut is answered after the resume",
      async (test) => {
        const server = await ctx.server("events-recovery");
        const proxy = await ctx.control.cutProxy(server);
        const client = ctx.client({ recover: true, reconnect: FAST });
        const events = ctx.events(client);
        if (!events) {
          test.skip("this client package offers no typed events (createEvents)");
          return;
        }
        await client.connect(proxy.wsUrl());
        const answer = events.request("slow", 300, { timeoutMs: TIMEOUT });
        await sleep(50);
        await proxy.cut();
        // It was CHANNEL_CLOSED at the cut, while the server ran it and answered the session.
        expect(await answer).toBe(300);
        expect(client.recovered).toBe(true);
      },
      30_000,
    );

    it("without recover, the same server speaks plain WebSocket to the client", async () => {
      const server = await ctx.server("recovery");
      const client = ctx.client({});
      await client.connect(server.wsUrl());
      client.send('\x1f["ack",5]');
      await until(async () => (await server.state()).recovery.got.length === 1, "the message");
      expect((await server.state()).recovery.got).toEqual(['\x1f["ack",5]']);
      expect(client.protocol).toBe("");
      expect(client.recovered ?? false).toBe(false);
    });
  });
}
