import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";

/** A throwing callback is reported and contained: it never crashes the server. */
export function errorCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("callback errors", () => {
    it("onWsMessage throwing (sync or async) goes to onError and the connection stays usable", async () => {
      const errors: [string, string][] = [];
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            async onWsMessage(channel, text) {
              if (text === "sync") throw new Error("sync failure");
              if (text === "async") {
                await Promise.resolve();
                throw new Error("async failure");
              }
              channel.send(`ok ${text}`);
            },
            onError(error, context) {
              errors.push([context.source, (error as Error).message]);
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      client.send("sync");
      client.send("async");
      client.send("after");
      expect(await client.nextText()).toBe("ok after");
      expect(errors).toEqual([
        ["onWsMessage", "sync failure"],
        ["onWsMessage", "async failure"],
      ]);
      await client.close();
    });

    it("onWsOpen throwing closes that connection with 1011 and others are unaffected", async () => {
      const errors: string[] = [];
      let opens = 0;
      const { wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsOpen(channel) {
              if (++opens === 1) throw new Error("open failure");
              channel.send("welcome");
            },
            onError(_error, context) {
              errors.push(context.source);
            },
          }),
      );
      const first = await TestClient.connect(wsUrl("/"));
      expect((await first.closed).code).toBe(1011);
      const second = await TestClient.connect(wsUrl("/"));
      expect(await second.nextText()).toBe("welcome");
      expect(errors).toEqual(["onWsOpen"]);
      await second.close();
    });

    it("onWsClose and onError throwing never crash the server", async () => {
      const { server, wsUrl, httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onInit() {
              this.get("/ok", () => "ok");
            },
            onWsClose() {
              throw new Error("close failure");
            },
            onError() {
              throw new Error("onError failure too");
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      await client.close();
      await eventually(() => server.clientCount === 0, 5000, "close");
      expect(await (await fetch(httpUrl("/ok"))).text()).toBe("ok");
    });

    it("the default onError logs instead of throwing", async () => {
      const logged: unknown[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => logged.push(args);
      try {
        const { wsUrl } = await ctx.start(
          (backend) =>
            new WebServer({
              backend,
              onWsMessage() {
                throw new Error("logged failure");
              },
            }),
        );
        const client = await TestClient.connect(wsUrl("/"));
        client.send("x");
        await eventually(() => logged.length === 1, 5000, "a log line");
        await client.close();
      } finally {
        console.error = original;
      }
    });
  });
}
