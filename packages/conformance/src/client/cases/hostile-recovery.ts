import { describe, expect, it } from "vitest";
import { type ClientSuiteContext, until } from "../context.js";
import { hostile } from "../hostile.js";
import { expectSound, settled, watched, withHostile, within } from "./hostile-support.js";

const welcome = (session = "s1", recovered = false, received = 0) =>
  hostile.control(["welcome", session, recovered, received]);

/** Control messages no server may send after its welcome: each breaks the protocol. */
const GARBAGE: [what: string, control: unknown][] = [
  ["the mark alone", ""],
  ["truncated JSON", '["ack",'],
  ["an ack without a count", ["ack"]],
  ["a negative ack", ["ack", -1]],
  ["a fractional ack", ["ack", 1.5]],
  ["an ack past 2^53", '["ack",99999999999999999999]'],
  ["an ack of 1e400", '["ack",1e400]'],
  ["NaN", '["ack",NaN]'],
  ["an ack as a string", ["ack", "1"]],
  ["an ack for messages never sent", ["ack", 5]],
  ["a second welcome", ["welcome", "s1", false, 0]],
  ["a hello", ["hello", null, 0]],
  ["an unknown type", ["nack", 1]],
  ["an object", { __proto__: { polluted: 1 }, ack: 1 }],
  ["a wrong mark (U+001E)", '\x1e["ack",0]'],
  ["an extra field", ["ack", 0, 0]],
];

/** Recovery (`switchboard.recovery.v1`) against a server that speaks it wrongly. */
export function hostileRecoveryCases(ctx: ClientSuiteContext): void {
  describe("hostile recovery server", () => {
    it.each(GARBAGE)(
      "after the welcome, %s closes with 4002 and nothing reaches user code",
      async (_what, control) =>
        withHostile(ctx, { frames: [welcome(), hostile.control(control)] }, async (server) => {
          const { client, seen } = watched(ctx, { recover: true });
          expect(await settled(client.connect(server.url))).toBe("resolved");
          expect(await within(2000, () => seen.closes.length === 1)).toBe(true);
          expect(seen.closes[0]?.[0]).toBe(4002);
          expect((await server.state()).closes).toEqual([4002]);
          expect(seen.texts).toEqual([]);
          await expectSound(client, seen);
        }),
    );

    it.each(GARBAGE.slice(0, 10))(
      "instead of a welcome, %s fails connect() and never opens",
      async (_what, control) =>
        withHostile(ctx, { frames: [hostile.control(control)] }, async (server) => {
          const { client, seen } = watched(ctx, { recover: true, connectTimeout: 2000 });
          expect(await settled(client.connect(server.url))).toBe("CONNECT_FAILED");
          expect(seen.opens).toBe(0);
          expect((await server.state()).closes).toEqual([4002]);
          await expectSound(client, seen);
        }),
    );

    it("a server that agrees to recovery and never welcomes: connect() times out", async () =>
      withHostile(ctx, { frames: [] }, async (server) => {
        const { client, seen } = watched(ctx, { recover: true, connectTimeout: 200 });
        expect(await settled(client.connect(server.url))).toBe("CONNECT_TIMEOUT");
        expect(seen.opens).toBe(0);
        await expectSound(client, seen);
      }));

    it("data before the welcome is refused with 4002, not delivered or dropped silently", async () =>
      withHostile(ctx, { frames: [hostile.text("early"), welcome()] }, async (server) => {
        const { client, seen } = watched(ctx, { recover: true, connectTimeout: 2000 });
        expect(await settled(client.connect(server.url))).toBe("CONNECT_FAILED");
        expect(seen.texts).toEqual([]);
        expect(seen.opens).toBe(0);
        expect((await server.state()).closes).toEqual([4002]);
        await expectSound(client, seen);
      }));

    it("a first welcome that claims to resume a session the client never had fails with 4002", async () =>
      withHostile(ctx, { frames: [welcome("forged", true, 0)] }, async (server) => {
        const { client, seen } = watched(ctx, { recover: true, connectTimeout: 2000 });
        expect(await settled(client.connect(server.url))).toBe("CONNECT_FAILED");
        expect(client.recovered).toBe(false);
        expect((await server.state()).closes).toEqual([4002]);
        await expectSound(client, seen);
      }));

    it("a new session's welcome may name any count: the client starts afresh", async () =>
      withHostile(
        ctx,
        { frames: [welcome("s1", false, 123), hostile.text("\x1f\x1fescaped"), hostile.text("b")] },
        async (server) => {
          const { client, seen } = watched(ctx, { recover: true });
          expect(await settled(client.connect(server.url))).toBe("resolved");
          expect(await within(2000, () => seen.texts.length === 2)).toBe(true);
          expect(seen.texts).toEqual(["\x1fescaped", "b"]);
          expect(client.recovered).toBe(false);
          client.send("\x1fmine");
          // The client may acknowledge the two messages at any time: only its data counts here.
          const data = async () =>
            (await server.state()).received
              .slice(1)
              .filter((text) => text[0] !== "\x1f" || text[1] === "\x1f");
          await until(async () => (await data()).length === 1, "the message");
          expect(await data()).toEqual(["\x1f\x1fmine"]);
          await expectSound(client, seen);
        },
      ));

    it("an ack that goes backwards is harmless: the connection stays up", async () =>
      withHostile(
        ctx,
        {
          frames: [welcome()],
          replies: [[], [hostile.control(["ack", 2])], [], [hostile.control(["ack", 1])]],
        },
        async (server) => {
          const { client, seen } = watched(ctx, { recover: true });
          await client.connect(server.url);
          for (const text of ["a", "b", "c"]) client.send(text);
          expect(await within(500, () => seen.closes.length > 0)).toBe(false);
          expect(client.isConnected).toBe(true);
          expect((await server.state()).received.slice(1)).toEqual(["a", "b", "c"]);
          await expectSound(client, seen);
        },
      ));

    it.each([
      ["more than the client sent", 5],
      ["less than the server acknowledged before", 0],
    ])(
      "a resume whose count is %s is refused with 4002, retried, and ends at maxRetries",
      async (_what, received) =>
        withHostile(
          ctx,
          {
            frames: [welcome()],
            // Acknowledges both of the client's messages, then drops the link.
            replies: [[], [], [hostile.control(["ack", 2]), { drop: true }]],
            later: { frames: [welcome("s1", true, received)] },
          },
          async (server) => {
            const { client, seen } = watched(ctx, {
              recover: true,
              reconnect: { initialDelay: 10, maxDelay: 20, maxRetries: 2 },
            });
            await client.connect(server.url);
            client.send("a");
            client.send("b");
            expect(await within(3000, () => seen.stops.length === 1)).toBe(true);
            expect(seen.stops.map((stop) => (stop as { code: string }).code)).toEqual([
              "RECONNECT_FAILED",
            ]);
            const state = await server.state();
            expect(state.upgrades).toBe(3);
            expect(state.closes).toEqual([4002, 4002]);
            // Nothing was resent to a session that cannot be trusted.
            expect(state.received.filter((text) => !text.startsWith("\x1f"))).toEqual(["a", "b"]);
            expect(client.recovered).toBe(false);
            await expectSound(client, seen);
          },
        ),
    );

    // RFC 6455 leaves it open; ws and Chromium both fail an answer without one of the offered
    // subprotocols, so a recovering client reaches only servers that pick one (or speak it).
    it("a server that answers without a subprotocol fails connect(), and nothing is delivered", async () =>
      withHostile(ctx, { protocol: "none", frames: [hostile.text("plain")] }, async (server) => {
        const { client, seen } = watched(ctx, { recover: true });
        expect(await settled(client.connect(server.url))).toBe("CONNECT_FAILED");
        expect(seen.opens).toBe(0);
        expect(seen.texts).toEqual([]);
        await expectSound(client, seen);
      }));

    it("a server that picks a subprotocol the client did not offer is refused", async () =>
      withHostile(
        ctx,
        { protocol: "switchboard.recovery.v1+chat", frames: [welcome()] },
        async (server) => {
          const { client, seen } = watched(ctx, { recover: true });
          expect(await settled(client.connect(server.url))).toBe("CONNECT_FAILED");
          expect(seen.opens).toBe(0);
          await expectSound(client, seen);
        },
      ));
  });
}
