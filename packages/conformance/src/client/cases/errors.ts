import { describe, expect } from "vitest";
import { type ClientSuiteContext, failureCode, sleep, TIMEOUT, thrownCode } from "../context.js";

/** Bad input and unreachable servers: a clear error every time, never a crash or a silent drop. */
export function errorCases(ctx: ClientSuiteContext): void {
  const { it } = ctx;
  describe("errors", () => {
    it("connect() to a closed port rejects with CONNECT_FAILED", async () => {
      const port = await ctx.control.closedPort();
      const client = ctx.client();
      expect(await failureCode(client.connect(`ws://127.0.0.1:${port}/`))).toBe("CONNECT_FAILED");
      expect(client.isConnected).toBe(false);
      expect(thrownCode(() => client.send("x"))).toBe("NOT_CONNECTED");
    });

    it("connect() to a server that never answers rejects with CONNECT_TIMEOUT", async () => {
      const silent = await ctx.control.silentServer();
      try {
        const client = ctx.client({ connectTimeout: 100 });
        expect(await failureCode(client.connect(`ws://127.0.0.1:${silent.port}/`))).toBe(
          "CONNECT_TIMEOUT",
        );
        expect(client.isConnected).toBe(false);
      } finally {
        await silent.dispose();
      }
    });

    it("connect() with a URL function that never settles rejects with CONNECT_TIMEOUT", async () => {
      const client = ctx.client({ connectTimeout: 100 });
      expect(await failureCode(client.connect(() => new Promise<string>(() => {})))).toBe(
        "CONNECT_TIMEOUT",
      );
      expect(client.isConnected).toBe(false);
    });

    it("options that make no sense are refused at construction with INVALID_OPTION", () => {
      const refused: Record<string, unknown>[] = [
        { reconnect: { jitter: 2 } },
        { reconnect: { factor: 0 } },
        { reconnect: { factor: 0.5 } },
        { reconnect: { initialDelay: -1 } },
        { connectTimeout: Number.NaN },
        { maxQueuedMessages: -1 },
      ];
      for (const options of refused) {
        expect(
          thrownCode(() => ctx.client(options as never)),
          JSON.stringify(options),
        ).toBe("INVALID_OPTION");
      }
      // The edges themselves are fine.
      ctx.client({ reconnect: { jitter: 1, factor: 1 } });
    });

    it("protocols the WebSocket refuses reject connect() with INVALID_OPTION, never retried", async () => {
      const server = await ctx.server("probe");
      const errors: unknown[] = [];
      const client = ctx.client({
        protocols: ["not a token"],
        reconnect: { initialDelay: 1, maxRetries: 50 },
        onError: (error) => errors.push(error),
      });
      // Retried, it was a CONNECT_FAILED every backoff, and connect() did not settle.
      expect(await failureCode(client.connect(server.wsUrl()))).toBe("INVALID_OPTION");
      await sleep(50);
      expect(errors).toEqual([]);
      expect((await server.state()).opens).toHaveLength(0);
    });

    it("bad URLs reject with INVALID_URL and are never retried", async () => {
      for (const url of ["not a url", "ftp://127.0.0.1/", "", "ws://"]) {
        const client = ctx.client({ reconnect: { initialDelay: 1, maxRetries: 3 } });
        expect(await failureCode(client.connect(url)), url).toBe("INVALID_URL");
      }
      const client = ctx.client();
      expect(await failureCode(client.connect(() => "mailto:someone@example.com"))).toBe(
        "INVALID_URL",
      );
    });

    it("send() before connect() or with unusable data throws instead of dropping", async () => {
      const server = await ctx.server("probe");
      const client = ctx.client();
      expect(thrownCode(() => client.send("too early"))).toBe("NOT_CONNECTED");
      await client.connect(server.wsUrl());
      for (const bad of [42, null, undefined, { text: "hi" }, ["a"]]) {
        expect(thrownCode(() => client.send(bad as unknown as string))).toBe("INVALID_ARGUMENT");
      }
      client.send("fine");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("fine");
    });

    it("close() with a code or reason browsers refuse rejects with INVALID_ARGUMENT and keeps the connection", async () => {
      const server = await ctx.server("probe");
      const client = ctx.client();
      await client.connect(server.wsUrl());
      for (const [code, reason] of [
        [1001, ""],
        [1005, ""],
        [2999, ""],
        [5000, ""],
        [1000.5, ""],
        [3000.5, ""],
        // Not numbers: a string code passed the range check and the WebSocket then threw,
        // leaving the client "closing" for good.
        ["4000" as unknown as number, ""],
        [" 3000" as unknown as number, ""],
        [Number.NaN, ""],
        [1000, "x".repeat(124)],
        [1000, "é".repeat(62)],
      ] as const) {
        expect(await failureCode(client.close(code, reason)), `${code}`).toBe("INVALID_ARGUMENT");
      }
      expect(client.isConnected).toBe(true);
      client.send("still open");
      expect((await client.nextMessage({ timeout: TIMEOUT })).text).toBe("still open");
      await client.close(1000, "é".repeat(61));
      expect(client.isConnected).toBe(false);
    });

    it("connect() while connected rejects with ALREADY_CONNECTED; nextMessage() before connect() with CLOSED", async () => {
      const server = await ctx.server("probe");
      const client = ctx.client();
      expect(await failureCode(client.nextMessage({ timeout: TIMEOUT }))).toBe("CLOSED");
      await client.connect(server.wsUrl());
      expect(await failureCode(client.connect(server.wsUrl()))).toBe("ALREADY_CONNECTED");
      expect(client.isConnected).toBe(true);
    });
  });
}
