import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { RawSocket } from "../support/raw-socket.js";

/** What `close()` owes the requests and connections it ends. */
export function shutdownCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("shutdown", () => {
    it("a response written in the same tick as close() still reaches the client", async () => {
      let closing: Promise<void> | undefined;
      const { httpUrl } = await ctx.start((backend) => {
        const server = new WebServer({ backend });
        server.get("/bye", (_req, res) => {
          res.text("bye");
          closing = server.close();
        });
        return server;
      });
      const response = await fetch(httpUrl("/bye"));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("bye");
      await closing;
    });

    it("a 4 MiB response written in the same tick as close() arrives whole", async () => {
      let closing: Promise<void> | undefined;
      const body = new Uint8Array(4 * 1024 * 1024).fill(98);
      const { httpUrl } = await ctx.start((backend) => {
        const server = new WebServer({ backend });
        server.get("/bye", (_req, res) => {
          res.send(body);
          closing = server.close();
        });
        return server;
      });
      const response = await fetch(httpUrl("/bye"));
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBe(body.byteLength);
      await closing;
    });

    // Engines differ when the peer never answers: ws reports 1006 after its own wait, uWS and
    // Bun the code they sent. Core reports the code the server sent, on every engine.
    it("onWsClose gets the code the server sent, whether or not the peer answers the close", async () => {
      const closes: [number, string][] = [];
      const { server, address, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            closeTimeoutMs: 300,
            onWsClose(_channel, code, reason) {
              closes.push([code, reason]);
            },
          }),
      );
      const silent = await RawSocket.open(address.port);
      const polite = await TestClient.connect(wsUrl("/"));
      await eventually(() => server.clientCount === 2, 5000, "two clients");
      await server.close();
      silent.destroy();
      expect((await polite.closed).code).toBe(1001);
      expect(closes).toEqual([
        [1001, "server shutting down"],
        [1001, "server shutting down"],
      ]);
    });

    it("onWsClose gets the code channel.close() sent, whether or not the peer answers", async () => {
      const closes: number[] = [];
      const { address } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            closeTimeoutMs: 300,
            onWsOpen(channel) {
              channel.close(4000, "go");
            },
            onWsClose(_channel, code) {
              closes.push(code);
            },
          }),
      );
      const silent = await RawSocket.open(address.port);
      await eventually(() => closes.length === 1, 10_000, "onWsClose");
      silent.destroy();
      expect(closes).toEqual([4000]);
    });
  });
}
