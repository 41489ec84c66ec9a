import { request } from "node:https";
import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { WebSocket } from "ws";
import { testCertificate } from "../support/certificate.js";
import { TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";

class EchoText extends WebServer {
  override onInit() {
    this.get("/ping", () => "pong");
  }
  override onWsMessage(channel: import("@switchboard/core").Channel, text: string) {
    channel.send(`echo: ${text}`);
  }
}

function httpsGet(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve(body));
    })
      .on("error", reject)
      .end();
  });
}

/** TLS and permessage-deflate: transport options that every engine offers the same way. */
export function transportCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("transport options", () => {
    it("serves https and wss with listen({ tls })", async () => {
      const tls = await testCertificate();
      const server = new EchoText({ backend: ctx.backend() });
      const address = await server.listen({ port: 0, tls });
      try {
        expect(address.url).toBe(`https://127.0.0.1:${address.port}`);
        expect(await httpsGet(`${address.url}/ping`, tls.cert)).toBe("pong");
        const ws = new WebSocket(`wss://127.0.0.1:${address.port}/`, { ca: tls.cert });
        const reply = await new Promise<string>((resolve, reject) => {
          ws.on("open", () => ws.send("over tls"));
          ws.on("message", (data) => resolve(String(data)));
          ws.on("error", reject);
        });
        expect(reply).toBe("echo: over tls");
        ws.close();
      } finally {
        await server.close();
      }
    });

    it("negotiates permessage-deflate only when enabled", async () => {
      const on = await ctx.start((backend) => new EchoText({ backend, perMessageDeflate: true }));
      const compressed = await TestClient.connect(on.wsUrl("/"));
      expect(compressed.ws.extensions).toMatch(/permessage-deflate/);
      const text = "squeeze me ".repeat(1000);
      compressed.send(text);
      expect(await compressed.nextText()).toBe(`echo: ${text}`);
      await compressed.close();

      const off = await ctx.start((backend) => new EchoText({ backend }));
      const plain = await TestClient.connect(off.wsUrl("/"));
      expect(plain.ws.extensions).toBe("");
      plain.send("plain");
      expect(await plain.nextText()).toBe("echo: plain");
      await plain.close();
    });
  });
}
