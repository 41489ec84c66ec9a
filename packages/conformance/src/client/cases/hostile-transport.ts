import { describe, expect, it, type TestContext } from "vitest";
import type { ClientSuiteContext } from "../context.js";
import { type HostileFrame, hostile } from "../hostile.js";
import { codeOf, expectSound, settled, watched, withHostile, within } from "./hostile-support.js";

/** Close frames no server may send: a code outside the wire's range, a reason that is not UTF-8. */
const BAD_CLOSES: [what: string, frame: HostileFrame][] = [
  ...[0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535].map((code): [string, HostileFrame] => [
    `code ${code}`,
    hostile.close(code, "bad"),
  ]),
  ["a reason that is not UTF-8", hostile.close(1000, [0xc3, 0x28])],
  ["a payload of one byte", { opcode: 8, base64: "Aw==" }],
];

/** Frames that break RFC 6455: the client fails the connection and delivers none of them. */
const BAD_FRAMES: [what: string, frames: HostileFrame[]][] = [
  ["a continuation without a start", [{ opcode: 0, text: "x" }]],
  ["a reserved data opcode (3)", [{ opcode: 3, text: "x" }]],
  ["a reserved control opcode (11)", [{ opcode: 11, text: "x" }]],
  ["RSV1 without an extension", [{ opcode: 1, rsv: 4, text: "x" }]],
  ["a fragmented ping", [{ opcode: 9, fin: false, text: "x" }]],
  ["a ping of 126 bytes", [{ opcode: 9, fill: 0x61, size: 126 }]],
  ["TEXT that is not UTF-8", [hostile.bytes([0xc3, 0x28], 1)]],
  ["a new message inside a fragmented one", [{ text: "a", fin: false }, { text: "b" }]],
  ["a frame announcing 2^62 bytes", [{ opcode: 2, announce: 2 ** 62 }]],
];

/** Short delays: the retry pattern, not its length, is under test. */
const FAST = { initialDelay: 10, maxDelay: 50, jitter: 0.5 };

/** The WebSocket itself against a server that breaks it: handshake, frames, close, pacing. */
export function hostileTransportCases(ctx: ClientSuiteContext): void {
  describe("hostile transport", () => {
    it.each(BAD_CLOSES)(
      "a close frame with %s ends the connection once, as dropped (1006)",
      async (_what, frame) =>
        withHostile(ctx, { frames: [frame] }, async (server) => {
          const { client, seen } = watched(ctx);
          expect(await settled(client.connect(server.url))).toBe("resolved");
          expect(await within(2000, () => seen.closes.length > 0)).toBe(true);
          expect(await within(100, () => seen.closes.length > 1)).toBe(false);
          // The invalid code or reason never reaches user code as if the server had sent it.
          expect(seen.closes).toEqual([[1006, "", false]]);
          await expectSound(client, seen);
        }),
    );

    it.each(BAD_FRAMES)("%s fails the connection and delivers nothing", async (_what, frames) =>
      withHostile(ctx, { frames }, async (server) => {
        const { client, seen } = watched(ctx);
        expect(await settled(client.connect(server.url))).toBe("resolved");
        expect(await within(2000, () => seen.closes.length > 0)).toBe(true);
        expect(seen.closes).toHaveLength(1);
        expect(seen.texts).toEqual([]);
        expect(seen.frames).toEqual([]);
        await expectSound(client, seen);
      }),
    );

    it.each([
      ["no Sec-WebSocket-Accept", "none"],
      ["a wrong Sec-WebSocket-Accept", "wrong"],
    ] as const)("a 101 with %s fails connect() with CONNECT_FAILED", async (_what, accept) =>
      withHostile(ctx, { accept }, async (server) => {
        const { client, seen } = watched(ctx);
        expect(await settled(client.connect(server.url))).toBe("CONNECT_FAILED");
        expect(seen.opens).toBe(0);
        await expectSound(client, seen);
      }),
    );

    it.for([200, 301, 401])(
      "an upgrade answered %i is refused, with the status where the client sees it",
      async (status) =>
        withHostile(ctx, { status, headers: { Location: "ws://127.0.0.1:1/" } }, async (server) => {
          const { client, seen } = watched(ctx);
          const code = await settled(client.connect(server.url));
          expect(code).toBe(ctx.hiddenUpgradeStatus ? "CONNECT_FAILED" : "UPGRADE_REFUSED");
          expect((await server.state()).upgrades).toBe(1);
          await expectSound(client, seen);
        }),
    );

    it.for(["-5", "1.5", "soon", "", "Thu, 01 Jan 1970 00:00:00 GMT", "0"])(
      "an unreadable or past Retry-After (%j) on 429 falls back to the backoff, bounded by maxRetries",
      async (retryAfter) =>
        withHostile(
          ctx,
          { status: 429, headers: { "Retry-After": retryAfter } },
          async (server) => {
            const { client, seen } = watched(ctx, { reconnect: { ...FAST, maxRetries: 3 } });
            expect(await settled(client.connect(server.url))).toBe("RECONNECT_FAILED");
            expect((await server.state()).upgrades).toBe(4);
            await expectSound(client, seen);
          },
        ),
    );

    it.for(["99999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "2147483"])(
      "a Retry-After far away (%j) on 429 is waited out, not turned into a retry at once",
      async (retryAfter, test: TestContext) => {
        if (ctx.hiddenUpgradeStatus) return test.skip(ctx.hiddenUpgradeStatus);
        await withHostile(
          ctx,
          { status: 429, headers: { "Retry-After": retryAfter } },
          async (server) => {
            const { client, seen } = watched(ctx, { reconnect: FAST });
            const connecting = settled(client.connect(server.url), 10_000);
            expect(await within(300, () => seen.errors.length > 1)).toBe(false);
            expect((await server.state()).upgrades).toBe(1);
            await client.close();
            expect(await connecting).toBe("CLOSED");
            await expectSound(client, seen);
          },
        );
      },
    );

    it("close() against a server that never answers the close frame still ends, and the server got the close", async (test: TestContext) => {
      if (ctx.slowCloseHandshake) return test.skip(ctx.slowCloseHandshake);
      await withHostile(ctx, { answerClose: false }, async (server) => {
        const { client, seen } = watched(ctx, {});
        await client.connect(server.url);
        // The client gives up on the answer after its close timeout (5 s; ws alone waits 30 s),
        // well within this test's 20 s.
        await client.close(4001, "bye");
        expect(client.isConnected).toBe(false);
        expect((await server.state()).closes).toEqual([4001]);
        expect(seen.errors).toEqual([]);
      });
    }, 20_000);

    it("a server that never answers the upgrade: each attempt times out, and maxRetries ends it", async () =>
      withHostile(ctx, { status: 0 }, async (server) => {
        const { client, seen } = watched(ctx, {
          connectTimeout: 50,
          reconnect: { ...FAST, maxRetries: 2 },
        });
        expect(await settled(client.connect(server.url))).toBe("RECONNECT_FAILED");
        expect(seen.errors.map(codeOf)).toEqual(["CONNECT_TIMEOUT", "CONNECT_TIMEOUT"]);
        expect((seen.stops[0] as { cause?: unknown }).cause).toMatchObject({
          code: "CONNECT_TIMEOUT",
        });
        expect((await server.state()).upgrades).toBe(3);
        await expectSound(client, seen);
      }));

    it.each([
      ["drops", { after: "drop" as const }],
      ["closes with 1001", { frames: [hostile.close(1001, "bye")], after: "end" as const }],
    ])(
      "a server that %s right after every open: the backoff grows and maxRetries ends it",
      async (_what, script) =>
        withHostile(ctx, script, async (server) => {
          const { client, seen } = watched(ctx, {
            reconnect: { initialDelay: 20, maxDelay: 1000, factor: 2, jitter: 0, maxRetries: 3 },
          });
          const start = performance.now();
          await client.connect(server.url);
          expect(await within(4000, () => seen.stops.length > 0)).toBe(true);
          // Three retries, 20 + 40 + 80 ms apart at least (timers may fire a hair early).
          expect(performance.now() - start).toBeGreaterThanOrEqual(140 - 5);
          expect(codeOf(seen.stops[0])).toBe("RECONNECT_FAILED");
          expect(seen.opens).toBe(4);
          expect(seen.closes.map(([, , reconnecting]) => reconnecting)).toEqual([
            true,
            true,
            true,
            false,
          ]);
          expect((await server.state()).upgrades).toBe(4);
          await expectSound(client, seen);
        }),
    );

    it("a server that sends faster than the reader reads: the newest maxUnreadMessages are kept, the drop said once", async () =>
      withHostile(
        ctx,
        { frames: [{ text: "m", repeat: 20_000 }, hostile.text("last")] },
        async (server) => {
          const { client, seen } = watched(ctx, { maxUnreadMessages: 100 });
          await client.connect(server.url);
          expect(await within(5000, () => seen.texts.length === 20_001)).toBe(true);
          expect(seen.errors.map(codeOf)).toEqual(["MESSAGES_DROPPED"]);
          const kept: string[] = [];
          for (let i = 0; i < 100; i++)
            kept.push((await client.nextMessage({ timeout: 1000 })).text);
          expect(kept.at(-1)).toBe("last");
          expect(await settled(client.nextMessage({ timeout: 50 }))).toBe("TIMEOUT");
          await expectSound(client, seen);
        },
      ));

    it("a 16 MiB message arrives whole", async () =>
      withHostile(ctx, { frames: [{ opcode: 2, fill: 7, size: 16 << 20 }] }, async (server) => {
        const { client, seen } = watched(ctx);
        await client.connect(server.url);
        const message = await client.nextMessage({ timeout: 10_000 });
        expect(message.data.byteLength).toBe(16 << 20);
        expect(message.data[0]).toBe(7);
        expect(message.data[(16 << 20) - 1]).toBe(7);
        await expectSound(client, seen);
      }));
  });
}
