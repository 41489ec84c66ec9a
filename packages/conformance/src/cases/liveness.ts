import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";

/** Heartbeat and idle timeout: dead and silent peers are found and closed. */
export function livenessCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("liveness", () => {
    it("drops a peer that stops answering pings and runs onWsClose with 1006", async () => {
      const closes: number[] = [];
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            heartbeatIntervalMs: 100,
            onWsClose(_channel, code) {
              closes.push(code);
            },
          }),
      );
      const healthy = await TestClient.connect(wsUrl("/"));
      const dead = await TestClient.connect(wsUrl("/"), { pausable: true });
      // A frozen peer: its socket no longer reads, so pings go unanswered.
      dead.setReading(false);
      await eventually(() => closes.length === 1, 5000, "the dead peer to be dropped");
      expect(closes).toEqual([1006]);
      expect(server.clientCount).toBe(1);
      await new Promise((r) => setTimeout(r, 350));
      expect(server.clientCount).toBe(1);
      await healthy.close();
    });

    it("closes a channel that sends nothing for idleTimeoutMs with 1001, and keeps a chatty one", async () => {
      const { server, wsUrl } = await ctx.start(
        (backend) => new WebServer({ backend, idleTimeoutMs: 300, heartbeatIntervalMs: 0 }),
      );
      const quiet = await TestClient.connect(wsUrl("/"));
      const chatty = await TestClient.connect(wsUrl("/"));
      const timer = setInterval(() => chatty.send("still here"), 50);
      try {
        const closed = await quiet.closed;
        expect(closed).toEqual({ code: 1001, reason: "idle timeout" });
        await eventually(() => server.clientCount === 1, 5000, "the server to see the idle close");
      } finally {
        clearInterval(timer);
      }
      await chatty.close();
    });
  });
}
