import { describe, expect } from "vitest";
import { type ClientSuiteContext, TIMEOUT, until } from "../context.js";
import type { ConformanceClient } from "../types.js";

const nextText = async (client: ConformanceClient) =>
  (await client.nextMessage({ timeout: TIMEOUT })).text;

/** "welcome user_N" → "user_N"; the number depends on the server's history, so it is read, not assumed. */
function nicknameIn(welcome: string): string {
  const match = /^welcome (user_\d+)$/.exec(welcome);
  expect(match, `a welcome line, got "${welcome}"`).not.toBeNull();
  return match![1]!;
}

/** The HV-06 tutorial's client scenario, written with awaits instead of an event pump. */
export function transcriptCases(ctx: ClientSuiteContext): void {
  const { it } = ctx;
  describe("the tutorial chat, from the client side", () => {
    it("alice and bob: welcome, echo, joined, broadcast, left", async () => {
      const server = await ctx.server("chat");
      const lifecycle: string[] = [];
      const alice = ctx.client({
        onOpen: () => lifecycle.push("open"),
        onClose: (code) => lifecycle.push(`close ${code}`),
      });
      await alice.connect(server.wsUrl("/chat"));
      expect(alice.isConnected).toBe(true);
      const aliceName = nicknameIn(await nextText(alice));

      alice.send("hello server!");
      expect(await nextText(alice)).toBe("echo: hello server!");

      const bob = ctx.client();
      await bob.connect(server.wsUrl("/chat"));
      const bobName = nicknameIn(await nextText(bob));
      expect(bobName).not.toBe(aliceName);
      expect(await nextText(alice)).toBe(`${bobName} joined`);

      bob.send("hi everyone!");
      expect(await nextText(bob)).toBe("echo: hi everyone!");
      expect(await nextText(alice)).toBe(`${bobName}: hi everyone!`);

      await alice.close();
      expect(alice.isConnected).toBe(false);
      expect(await nextText(bob)).toBe(`${aliceName} left`);
      await bob.close();
      expect(bob.isConnected).toBe(false);
      expect(lifecycle).toEqual(["open", "close 1000"]);
    });

    it("onMessage alone collects the transcript, like the tutorial's received list", async () => {
      const server = await ctx.server("chat");
      const received: string[] = [];
      const alice = ctx.client({ onMessage: (text) => received.push(text) });
      await alice.connect(server.wsUrl("/chat"));
      await until(() => received.length === 1, "the welcome");
      alice.send("one");
      alice.send("two");
      await until(() => received.length === 3, "two echoes");
      expect(received.slice(1)).toEqual(["echo: one", "echo: two"]);
      expect(received[0]).toMatch(/^welcome user_\d+$/);
    });
  });
}
