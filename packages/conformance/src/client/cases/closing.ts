import { describe, expect } from "vitest";
import { type ClientSuiteContext, failureCode, TIMEOUT, until } from "../context.js";

/** The closing handshake in both directions. */
export function closingCases(ctx: ClientSuiteContext): void {
  const { it } = ctx;
  describe("closing", () => {
    it("close(code, reason) resolves after the handshake and the server sees both", async () => {
      const server = await ctx.server("probe");
      const closes: [number, string][] = [];
      const client = ctx.client({ onClose: (code, reason) => closes.push([code, reason]) });
      await client.connect(server.wsUrl());
      await client.close(4001, "bye now");
      expect(client.isConnected).toBe(false);
      expect(closes).toEqual([[4001, "bye now"]]);
      await until(
        async () => (await server.state()).closes.length === 1,
        "the server to see the close",
      );
      const state = await server.state();
      expect(state.closes).toEqual([[4001, "bye now"]]);
      expect(state.clientCount).toBe(0);
    });

    it("a server close reaches onClose with its code and reason, then nextMessage and iteration end", async () => {
      const server = await ctx.server("probe");
      let closed: [number, string] | undefined;
      const client = ctx.client({
        onClose: (code, reason) => {
          closed = [code, reason];
        },
      });
      await client.connect(server.wsUrl());
      client.send("last words");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("last words");
      await server.kick(4002, "done here");
      await until(() => closed !== undefined, "onClose");
      expect(closed).toEqual([4002, "done here"]);
      expect(client.isConnected).toBe(false);
      expect(await failureCode(client.nextMessage({ timeout: TIMEOUT }))).toBe("CLOSED");
      const after: unknown[] = [];
      for await (const message of client) after.push(message);
      expect(after).toEqual([]);
    });

    it("messages that arrived before a server close can still be read", async () => {
      const server = await ctx.server("probe");
      let closed = false;
      const client = ctx.client({
        onClose: () => {
          closed = true;
        },
      });
      await client.connect(server.wsUrl("/?burst=3"));
      await until(async () => (await server.state()).opens.length === 1, "the open");
      await server.kick(1000, "");
      await until(() => closed, "onClose");
      const texts: string[] = [];
      for await (const message of client) texts.push(message.text);
      expect(texts).toEqual(["m0", "m1", "m2"]);
    });

    it("close() while connecting rejects connect() with CLOSED", async () => {
      const silent = await ctx.control.silentServer();
      try {
        const client = ctx.client();
        const connecting = client.connect(`ws://127.0.0.1:${silent.port}/`);
        await client.close();
        expect(await failureCode(connecting)).toBe("CLOSED");
        expect(client.isConnected).toBe(false);
      } finally {
        await silent.dispose();
      }
    });

    it("close() before connect() and a second close() resolve at once", async () => {
      const server = await ctx.server("probe");
      const client = ctx.client();
      await client.close();
      await client.connect(server.wsUrl());
      await Promise.all([client.close(), client.close()]);
      await client.close();
      expect(client.isConnected).toBe(false);
    });

    it("a closed client can connect again", async () => {
      const server = await ctx.server("probe");
      const client = ctx.client();
      await client.connect(server.wsUrl());
      await client.close();
      await client.connect(server.wsUrl());
      client.send("again");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("again");
    });
  });
}
