import { describe, expect, it, type TestContext } from "vitest";
import type { ClientSuiteContext } from "../context.js";
import { type HostileFrame, type HostileScript, hostile } from "../hostile.js";
import type {
  ConformanceClient,
  ConformanceEventOptions,
  ConformanceEvents,
  ConformanceSchema,
} from "../types.js";
import {
  codeOf,
  expectSound,
  type Seen,
  settled,
  watched,
  withHostile,
  within,
} from "./hostile-support.js";

const env = hostile.envelope;
/** The valid event each case ends with: it must arrive, whatever came before. */
const LAST_TICK = env([999, "e", "tick", 7]);

/** Envelopes that are not: each is refused (INVALID_PAYLOAD), never dispatched or passed on raw. */
const MALFORMED: [what: string, frame: HostileFrame][] = [
  ["the mark alone", env("")],
  ["truncated JSON", env('[1,"e","tick"')],
  ["null", env("null")],
  ["a number", env("5")],
  ["a string", env('"1ez"')],
  ["an object", env({ id: 1 })],
  ["an empty array", env([])],
  ["an unknown type", env([1, "zz", "tick", 5])],
  ["a type of two letters", env([1, "ee", "tick", 5])],
  ["an event named by an object", env([1, "e", { name: "tick" }, 5])],
  ["an event named by a number", env([1, "e", 5, 5])],
  ["an event with an empty name", env([1, "e", "", 5])],
  ["id 0", env([0, "e", "tick", 5])],
  ["a negative id", env([-1, "e", "tick", 5])],
  ["an id that is an object", env([{}, "e", "tick", 5])],
  ["five fields", env([1, "e", "tick", 5, 6])],
  ["an event without a name", env([1, "e"])],
  ["an error without a body", env([1, "x", 0])],
  ["an error with a numeric code", env([1, "x", 0, { code: 5, message: "m" }])],
  ["an error whose message is an object", env([1, "x", 0, { code: "E", message: {} }])],
  [
    "binary with no end of header",
    hostile.bytes([0x1e, ...new TextEncoder().encode('[1,"e","tick",5]')]),
  ],
  ["binary with an invalid UTF-8 header", hostile.bytes([0x1e, 0xff, 0xfe, 0x1e, 1])],
  [
    "binary with an unknown type",
    hostile.bytes([0x1e, ...new TextEncoder().encode('[1,"zz","tick"]'), 0x1e, 1]),
  ],
];

/** A tick schema from zod, an optional peer of the suite. */
async function numberSchema(): Promise<ConformanceSchema | undefined> {
  return (await import("zod").catch(() => undefined))?.z.number();
}

interface Connected {
  client: ConformanceClient;
  events: ConformanceEvents;
  seen: Seen;
  ticks: unknown[];
  server: { url: string; state(): Promise<import("../hostile.js").HostileState> };
}

/** Typed events (`switchboard.v1.json`) against a server that sends what no EventHub would. */
export function hostileEventCases(ctx: ClientSuiteContext): void {
  /** Runs `body` with a client with events connected to a hostile server; skips without events. */
  async function against(
    test: TestContext,
    script: HostileScript,
    options: ConformanceEventOptions,
    body: (connected: Connected) => Promise<void>,
  ): Promise<void> {
    return withHostile(ctx, script, async (server) => {
      const { client, seen } = watched(ctx);
      const events = ctx.events(client, { maxInvalidPayloads: 0, ...options });
      if (!events) return test.skip("this client package offers no typed events (createEvents)");
      const ticks: unknown[] = [];
      events.on("tick", (payload) => void ticks.push(payload));
      await client.connect(server.url);
      expect(events.negotiated).toBe(true);
      await body({ client, events, seen, ticks, server });
      await expectSound(client, seen);
    });
  }

  describe("hostile events server", () => {
    it.for(MALFORMED)(
      "%s is refused with INVALID_PAYLOAD and the next event still arrives",
      async ([, frame], test) =>
        against(test, { frames: [frame, LAST_TICK] }, {}, async ({ seen, ticks }) => {
          expect(await within(2000, () => ticks.length > 0)).toBe(true);
          expect(ticks).toEqual([7]);
          expect(seen.texts).toEqual([]);
          expect(seen.frames).toEqual([]);
          expect(seen.errors.map(codeOf)).toEqual(["INVALID_PAYLOAD"]);
        }),
    );

    it("a server that picks the application's own subprotocol: not negotiated, and envelopes stay raw messages", async (test) =>
      withHostile(ctx, { protocol: "chat.v1", frames: [LAST_TICK] }, async (server) => {
        const { client, seen } = watched(ctx, { protocols: ["chat.v1"] });
        const events = ctx.events(client);
        if (!events) return test.skip("this client package offers no typed events (createEvents)");
        expect(await settled(client.connect(server.url))).toBe("resolved");
        expect(events.negotiated).toBe(false);
        expect(client.protocol).toBe("chat.v1");
        expect(await within(2000, () => seen.texts.length === 1)).toBe(true);
        expect(seen.texts).toEqual(['\x1e[999,"e","tick",7]']);
        await expectSound(client, seen);
      }));

    it("replies to requests never made and duplicate replies are ignored; the first answer counts", async (test) =>
      against(
        test,
        {
          replies: [
            [
              env([1, "r", 77, "stray"]),
              env([2, "x", 78, { code: "E", message: "stray" }]),
              env([3, "r", 1, "first"]),
              env([4, "r", 1, "second"]),
              env([5, "x", 1, { code: "E", message: "late" }]),
              LAST_TICK,
            ],
          ],
        },
        {},
        async ({ events, seen, ticks }) => {
          expect(await events.request("add", { a: 1, b: 2 })).toBe("first");
          expect(await within(2000, () => ticks.length > 0)).toBe(true);
          expect(seen.errors).toEqual([]);
        },
      ));

    it("an answer that fails the request's response schema rejects with INVALID_PAYLOAD", async (test) => {
      const response = await numberSchema();
      if (!response) return test.skip("zod is not installed (an optional peer of the suite)");
      await against(
        test,
        { replies: [[env([1, "r", 1, "not a number"])]] },
        { schemas: { clientRequests: { add: { response } } } },
        async ({ events }) => {
          expect(await settled(events.request("add", { a: 1, b: 2 }))).toBe("INVALID_PAYLOAD");
        },
      );
    });

    it.for([
      ["a 1 MiB message", { code: "E", message: "m".repeat(1 << 20) }],
      ["issues that are not a list", { code: "E", message: "m", issues: "many" }],
      ["an event that is a number", { code: "E", message: "m", event: 5 }],
      ["a numeric code", { code: 5, message: "m" }],
      ["no message", { code: "E" }],
      ["a body of null", null],
      ["a body that is a string", "E"],
    ] as const)(
      "an error reply with %s settles the request with a typed error",
      async ([, body], test) =>
        against(
          test,
          { replies: [[env([1, "x", 1, body])]] },
          { requestTimeoutMs: 300 },
          async ({ events }) => {
            const error = await events.request("add", { a: 1, b: 2 }).then(
              () => undefined,
              (failure: unknown) =>
                failure as { code?: unknown; message?: unknown; event?: unknown; issues?: unknown },
            );
            expect(codeOf(error)).not.toMatch(/^untyped/);
            expect(typeof error?.message).toBe("string");
            expect(error?.event === undefined || typeof error.event === "string").toBe(true);
            expect(error?.issues === undefined || Array.isArray(error.issues)).toBe(true);
          },
        ),
    );

    it("__proto__ and constructor, as keys and as names, pollute nothing and reach only their own handlers", async (test) => {
      const frames = [
        env(
          '[1,"e","tick",{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}]',
        ),
        env('[2,"e","__proto__",{"polluted":1}]'),
        env([3, "e", "constructor", 3]),
        env([4, "e", "toString", 4]),
        env([5, "q", "constructor", 5]),
        env([6, "q", "__proto__", 6]),
        env([7, "r", "__proto__", 7]),
        env([8, "e", "hasOwnProperty", 8]),
      ];
      await against(
        test,
        { frames: [...frames, LAST_TICK] },
        {},
        async ({ events, seen, ticks, server }) => {
          // Nobody listens to these names: next() has them.
          expect(await within(2000, () => ticks.length === 2)).toBe(true);
          const first = ticks[0] as Record<string, unknown>;
          expect(Object.hasOwn(first, "__proto__")).toBe(true);
          expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
          expect(await events.next("constructor", { timeout: 1000 })).toBe(3);
          expect(await events.next("toString", { timeout: 1000 })).toBe(4);
          expect(await events.next("hasOwnProperty", { timeout: 1000 })).toBe(8);
          // The two requests nobody handles are answered UNKNOWN_EVENT and reported.
          expect(seen.errors.map(codeOf)).toEqual(["UNKNOWN_EVENT", "UNKNOWN_EVENT"]);
          const answers = (await server.state()).received.filter((text) =>
            text.includes("UNKNOWN_EVENT"),
          );
          expect(answers).toHaveLength(2);
        },
      );
    });

    it("a payload nested 100,000 deep is refused by its schema, and the client goes on", async (test) => {
      const tick = await numberSchema();
      if (!tick) return test.skip("zod is not installed (an optional peer of the suite)");
      const depth = 100_000;
      const deep = env(`[1,"e","tick",${"[".repeat(depth)}${"]".repeat(depth)}]`);
      await against(
        test,
        { frames: [deep, LAST_TICK] },
        { schemas: { serverEvents: { tick } } },
        async ({ seen, ticks }) => {
          expect(await within(3000, () => ticks.length > 0)).toBe(true);
          expect(ticks).toEqual([7]);
          expect(seen.errors.map(codeOf)).toEqual(["INVALID_PAYLOAD"]);
        },
      );
    });

    it("events of a thousand names nobody asked for keep a bounded number of names, say so once, and stop nothing", async (test) => {
      const names = Array.from({ length: 1000 }, (_, i) => env([i + 1, "e", `n${i}`, i]));
      await against(
        test,
        { frames: [...names, LAST_TICK] },
        {},
        async ({ events, seen, ticks }) => {
          expect(await within(5000, () => ticks.length > 0)).toBe(true);
          // The first names are kept for a later next(), as any event nobody listens to.
          expect(await events.next("n0", { timeout: 1000 })).toBe(0);
          expect(await events.next("n99", { timeout: 1000 })).toBe(99);
          // Past the bound: dropped, and reported once, not once per event.
          expect(await settled(events.next("n999", { timeout: 200 }))).toBe("TIMEOUT");
          expect(seen.errors.map(codeOf)).toEqual(["MESSAGES_DROPPED"]);
        },
      );
    });

    it("bytes where the schema wants a number are refused", async (test) => {
      const tick = await numberSchema();
      if (!tick) return test.skip("zod is not installed (an optional peer of the suite)");
      const header = new TextEncoder().encode('[1,"e","tick"]');
      const frames = [hostile.bytes([0x1e, ...header, 0x1e, 1, 2, 3]), LAST_TICK];
      await against(
        test,
        { frames },
        { schemas: { serverEvents: { tick } } },
        async ({ seen, ticks }) => {
          expect(await within(2000, () => ticks.length > 0)).toBe(true);
          expect(ticks).toEqual([7]);
          expect(seen.errors.map(codeOf)).toEqual(["INVALID_PAYLOAD"]);
        },
      );
    });
  });
}
