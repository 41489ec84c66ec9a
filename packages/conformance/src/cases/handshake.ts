import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { rawExchange, statusOf, upgradeRequest } from "../support/raw.js";

/** Upgrade requests are checked by core, so every engine refuses the same ones the same way. */
export function handshakeCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("the upgrade handshake", () => {
    const start = (options: { allowedOrigins?: string[] } = {}) =>
      ctx.start((backend) => new WebServer({ backend, ...options }));

    it.each(
      [
        ["an unsupported Sec-WebSocket-Version", { "sec-websocket-version": "8" }, "GET"],
        ["a missing Sec-WebSocket-Version", { "sec-websocket-version": null }, "GET"],
        ["a missing Sec-WebSocket-Key", { "sec-websocket-key": null }, "GET"],
        ["a malformed Sec-WebSocket-Key", { "sec-websocket-key": "short" }, "GET"],
        ["a POST upgrade", {}, "POST"],
      ] as const,
      ([what]) => `refuses ${what} with 400`,
      async ([, overrides, method]) => {
        const { server, address } = await start();
        const answer = await rawExchange(address.port, upgradeRequest("/", overrides, method));
        expect(statusOf(answer)).toBe(400);
        expect(server.clientCount).toBe(0);
      },
    );

    it("tells the client which version it supports", async () => {
      const { address } = await start();
      const answer = await rawExchange(
        address.port,
        upgradeRequest("/", { "sec-websocket-version": "99" }),
      );
      expect(answer.toLowerCase()).toContain("sec-websocket-version: 13");
    });

    it("completes a valid handshake with the RFC 6455 accept key", async () => {
      const { address } = await start();
      const answer = await rawExchange(address.port, upgradeRequest("/"), 300);
      expect(statusOf(answer)).toBe(101);
      expect(answer).toContain("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    });

    it("refuses origins outside allowedOrigins with 403", async () => {
      const { wsUrl } = await start({ allowedOrigins: ["https://good.example"] });
      await expect(
        TestClient.connect(wsUrl("/"), { headers: { origin: "https://evil.example" } }),
      ).rejects.toThrow(/403/);
      await expect(TestClient.connect(wsUrl("/"))).rejects.toThrow(/403/);
      const ok = await TestClient.connect(wsUrl("/"), {
        headers: { origin: "https://good.example" },
      });
      await ok.close();
    });

    it("agrees on the first subprotocol the client offers", async () => {
      const { wsUrl } = await start();
      const client = await TestClient.connect(wsUrl("/"), { protocols: ["chat.v2", "chat.v1"] });
      expect(client.ws.protocol).toBe("chat.v2");
      await client.close();
    });
  });
}
