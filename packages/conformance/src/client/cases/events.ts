import { describe, expect, it, type TestContext } from "vitest";
import { patternBytes } from "../../support/bytes.js";
import {
  type ClientSuiteContext,
  failureCode,
  firstDifference,
  sleep,
  TIMEOUT,
  until,
} from "../context.js";
import type {
  ConformanceClient,
  ConformanceEventOptions,
  ConformanceEvents,
  ConformanceSchema,
} from "../types.js";

const FAST = { initialDelay: 10, maxDelay: 50, jitter: 0.5 };

/** A schema of numbers from zod or valibot, optional peers of the suite: undefined when missing. */
async function numberSchema(library: "zod" | "valibot"): Promise<ConformanceSchema | undefined> {
  if (library === "zod") return (await import("zod").catch(() => undefined))?.z.number();
  return (await import("valibot").catch(() => undefined))?.number();
}
const codeOf = (error: unknown) => String((error as { code?: unknown }).code);

/** Typed events and requests against the suite's events server, on every backend. */
export function eventCases(ctx: ClientSuiteContext): void {
  describe("typed events", () => {
    /** A client with events, connected to a fresh events server; skips when the client has no events layer. */
    async function connected(
      test: TestContext,
      options: {
        client?: Parameters<ClientSuiteContext["client"]>[0];
        events?: ConformanceEventOptions;
      } = {},
    ): Promise<{
      client: ConformanceClient;
      events: ConformanceEvents;
      server: Awaited<ReturnType<ClientSuiteContext["server"]>>;
    }> {
      const client = ctx.client(options.client);
      const events = ctx.events(client, options.events);
      if (!events) {
        test.skip("this client package offers no typed events (createEvents)");
        throw new Error("skipped");
      }
      const server = await ctx.server("events");
      await client.connect(server.wsUrl("/"));
      return { client, events, server };
    }

    it("negotiates the protocol and round-trips events, payloadless ones and binary payloads", async (test) => {
      const { client, events } = await connected(test);
      expect(events.negotiated).toBe(true);
      expect(client.protocol).toBe("switchboard.v1.json");
      const echoes: unknown[] = [];
      events.on("echo", (payload) => void echoes.push(payload));
      events.emit("echo", { text: "héllo ✓", n: [1, 2] });
      events.emit("echo");
      await until(() => echoes.length === 2, "two echoes");
      expect(echoes).toEqual([{ text: "héllo ✓", n: [1, 2] }, undefined]);

      const bytes = patternBytes(256 * 1024, 9);
      bytes[0] = 0x1e;
      events.emit("bytes", bytes);
      const back = (await events.next("bytes", { timeout: TIMEOUT })) as Uint8Array;
      expect(back).toBeInstanceOf(Uint8Array);
      expect(back.byteLength).toBe(bytes.byteLength);
      expect(firstDifference(back, bytes)).toBe(-1);
    });

    it("keeps raw messages and events apart and in order on one connection", async (test) => {
      const { client, events } = await connected(test);
      client.send("plain");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("raw: plain");
      const order: string[] = [];
      events.on("tick", (n) => void order.push(`tick ${n}`));
      events.emit("mixed", 10);
      for (let i = 1; i < 10; i += 2)
        order.push((await client.nextMessage({ timeout: TIMEOUT })).text);
      await until(() => order.length === 10, "ten messages");
      // Ticks are handled as they arrive; raw messages are read after: each stream keeps its order.
      expect(order.filter((line) => line.startsWith("tick"))).toEqual([
        "tick 0",
        "tick 2",
        "tick 4",
        "tick 6",
        "tick 8",
      ]);
      expect(order.filter((line) => !line.startsWith("tick"))).toEqual([
        "r1",
        "r3",
        "r5",
        "r7",
        "r9",
      ]);
    });

    it("next() and for await filter by event, including events that came before the call", async (test) => {
      const { events } = await connected(test);
      events.emit("mixed", 6);
      events.emit("echo", "after");
      expect(await events.next("echo", { timeout: TIMEOUT })).toBe("after");
      const ticks: unknown[] = [];
      for await (const tick of events.stream("tick")) {
        ticks.push(tick);
        if (ticks.length === 3) break;
      }
      expect(ticks).toEqual([0, 2, 4]);
      expect(await failureCode(events.next("echo", { timeout: 50 }))).toBe("TIMEOUT");
    });

    for (const library of ["zod", "valibot"] as const) {
      it(`an invalid payload from the server (${library} schema) never reaches the handler, is reported, and closes at the limit`, async (test) => {
        const tick = await numberSchema(library);
        if (!tick) return test.skip(`${library} is not installed (an optional peer of the suite)`);
        const errors: string[] = [];
        const closes: number[] = [];
        const { events, server } = await connected(test, {
          client: {
            onError: (error) => errors.push(codeOf(error)),
            onClose: (code) => closes.push(code),
          },
          events: { schemas: { serverEvents: { tick } }, maxInvalidPayloads: 2 },
        });
        const ticks: unknown[] = [];
        events.on("tick", (n) => void ticks.push(n));
        events.emit("badTick");
        await until(() => errors.length === 1, "the first invalid payload");
        expect(errors).toEqual(["INVALID_PAYLOAD"]);
        events.emit("mixed", 1);
        await until(() => ticks.length === 1, "a valid tick");
        events.emit("badTick");
        await until(() => closes.length === 1, "the close after two");
        expect(ticks).toEqual([0]);
        expect(closes).toEqual([4008]);
        // The client told the server what it refused; the server counts nothing as its own invalid input.
        expect((await server.state()).invalid).toBe(0);
      });
    }

    it("requests: answered, thrown (typed, no internals), timed out, and closed meanwhile", async (test) => {
      const { events, server } = await connected(test);
      expect(await events.request("add", { a: 20, b: 22 })).toBe(42);
      const thrown = await events.request("fail").catch((error: unknown) => error);
      expect(thrown).toMatchObject({ code: "HANDLER_FAILED", remote: true, name: "EventError" });
      expect(String((thrown as Error).message)).not.toMatch(/internal detail/);
      expect(await failureCode(events.request("slow", 500, { timeoutMs: 30 }))).toBe("TIMEOUT");
      // Past 2 ** 31 - 1 ms a timer fires at once: Infinity must mean "no timeout", not "now".
      expect(await events.request("slow", 50, { timeoutMs: Number.POSITIVE_INFINITY })).toBe(50);
      const pending = failureCode(events.request("slow", 2000, { timeoutMs: TIMEOUT }));
      await server.kick(1000, "bye");
      expect(await pending).toBe("CHANNEL_CLOSED");
      expect(await failureCode(events.request("add", { a: 1, b: 1 }))).toBe("CHANNEL_CLOSED");
    });

    it("the server's requests are answered by the client's handler", async (test) => {
      const errors: unknown[] = [];
      const { events } = await connected(test, {
        client: { onError: (error) => errors.push(error) },
      });
      events.handle("confirm", (question) => question === "proceed?");
      events.emit("ask", TIMEOUT);
      expect(await events.next("asked", { timeout: TIMEOUT })).toEqual({ answer: true });
      events.handle("confirm", () => {
        throw new Error("no");
      });
      events.emit("ask", TIMEOUT);
      expect(await events.next("asked", { timeout: TIMEOUT })).toEqual({ error: "HANDLER_FAILED" });
      // The handler's own error stays here, reported to onError.
      expect(errors).toEqual([expect.objectContaining({ message: "no" })]);
    });

    it("bounds requests in flight: locally with a clear error, and the server's bound too", async (test) => {
      const { events } = await connected(test, { events: { maxInFlightRequests: 2 } });
      const slow = [events.request("slow", 100), events.request("slow", 100)];
      expect(await failureCode(events.request("slow", 1))).toBe("TOO_MANY_REQUESTS");
      expect(await Promise.all(slow)).toEqual([100, 100]);

      const wide = await connected(test, { events: { maxInFlightRequests: 10 } });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, () => wide.events.request("slow", 100)),
      );
      // The events server answers 4 at a time; the fifth is refused by the server.
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(4);
      expect(
        outcomes.map((outcome) => (outcome.status === "rejected" ? codeOf(outcome.reason) : "ok")),
      ).toContain("TOO_MANY_REQUESTS");
    });

    it("an answer the client's handler gives after its connection ended is not sent on the next one", async (test) => {
      // Each server numbers its own requests: the next connection's server may ask with the
      // same id, and a late answer from the last one must not answer it.
      let opens = 0;
      const client = ctx.client({
        reconnect: FAST,
        onOpen: () => {
          opens++;
        },
      });
      const events = ctx.events(client);
      if (!events) return test.skip("this client package offers no typed events (createEvents)");
      const first = await ctx.server("events");
      const second = await ctx.server("events");
      let url = first.wsUrl("/");
      await client.connect(() => url);
      let calls = 0;
      events.handle("confirm", async () => {
        const call = ++calls;
        await sleep(call === 1 ? 300 : 600);
        return call !== 1;
      });
      events.emit("ask", TIMEOUT);
      await until(() => calls === 1, "the first server's request");
      url = second.wsUrl("/");
      await first.kick(1012, "moving");
      await until(() => opens === 2, "the connection to the second server");
      events.emit("ask", TIMEOUT);
      expect(await events.next("asked", { timeout: TIMEOUT })).toEqual({ answer: true });
    });

    it("the invalid-message count starts over on every connection", async (test) => {
      const tick = await numberSchema("zod");
      if (!tick) return test.skip("zod is not installed (an optional peer of the suite)");
      const errors: string[] = [];
      let opens = 0;
      const { client, events, server } = await connected(test, {
        client: {
          reconnect: FAST,
          onOpen: () => {
            opens++;
          },
          onError: (error) => errors.push(codeOf(error)),
        },
        events: { schemas: { serverEvents: { tick } }, maxInvalidPayloads: 2 },
      });
      for (let connection = 1; connection <= 3; connection++) {
        events.emit("badTick");
        await until(() => errors.length === connection, `invalid payload ${connection}`);
        await server.kick(1012, "restart");
        await until(() => opens === connection + 1, `connection ${connection + 1}`);
      }
      // One invalid message per connection: never the two that close it.
      events.emit("echo", "still here");
      expect(await events.next("echo", { timeout: TIMEOUT })).toBe("still here");
      expect(client.isConnected).toBe(true);
    });

    it("requests made while reconnecting wait in the offline queue and are answered after", async (test) => {
      const { client, events, server } = await connected(test, { client: { reconnect: FAST } });
      await server.kick(1012, "restart");
      await until(() => !client.isConnected, "the drop");
      const answer = events.request("add", { a: 1, b: 2 }, { timeoutMs: TIMEOUT });
      events.emit("echo", "queued");
      expect(await answer).toBe(3);
      expect(await events.next("echo", { timeout: TIMEOUT })).toBe("queued");
    });
  });
}
