import { HttpError, WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import type { SuiteContext } from "../support/context.js";
import { bodyOf, rawRequest } from "../support/raw.js";

class BodiesServer extends WebServer {
  override onInit() {
    this.post("/echo", async (req, res) => res.json({ got: await req.json() }));
    this.put("/bytes", async (req, res) => res.send(await req.bytes()));
    this.patch("/text", async (req) => `${(await req.text()).toUpperCase()}`);
    this.get("/headers", (req, res) =>
      res
        .status(203)
        .header("x-seen", req.header("x-test") ?? "none")
        .header("x-count", 2)
        .text("ok"),
    );
    this.get("/repeated", (req) => ({
      list: req.header("x-list"),
      cookie: req.header("cookie"),
      setCookie: req.header("set-cookie"),
    }));
    this.get("/returns/text", () => "plain");
    this.get("/returns/bytes", () => new Uint8Array([1, 2, 3]));
    this.get("/returns/json", () => ({ list: [1, 2] }));
    this.get("/returns/null", () => null);
    this.get("/typed", (_req, res) => res.header("content-type", "text/csv").text("a,b"));
    this.get("/bad-header", (_req, res) =>
      res.header("x-injected", "a\r\nset-cookie: b").text("never"),
    );
    this.get("/forbidden", () => {
      throw new HttpError(403, "no entry");
    });
  }
}

/** Request and response bodies, headers and statuses. */
export function bodyCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("HTTP bodies and headers", () => {
    const start = () => ctx.start((backend) => new BodiesServer({ backend, onError: () => {} }));

    it("reads JSON, text and byte bodies, and answers 400 on bad JSON", async () => {
      const { httpUrl } = await start();
      const echo = await fetch(httpUrl("/echo"), {
        method: "POST",
        body: JSON.stringify({ a: [1, "ü"] }),
      });
      expect(echo.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await echo.json()).toEqual({ got: { a: [1, "ü"] } });
      const bad = await fetch(httpUrl("/echo"), { method: "POST", body: "{not json" });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toBe("request body is not valid JSON");
      const empty = await fetch(httpUrl("/echo"), { method: "POST" });
      expect(empty.status).toBe(400);
      expect(await (await fetch(httpUrl("/text"), { method: "PATCH", body: "grüße" })).text()).toBe(
        "GRÜSSE",
      );
      const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
      const put = await fetch(httpUrl("/bytes"), { method: "PUT", body: bytes });
      expect(put.headers.get("content-type")).toBe("application/octet-stream");
      expect(Buffer.from(await put.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    });

    it("reads a chunked request body", async () => {
      const { httpUrl } = await start();
      const parts = ["hello ", "chunked ", "world"];
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
          controller.close();
        },
      });
      const answer = await fetch(httpUrl("/text"), {
        method: "PATCH",
        body,
        duplex: "half",
      } as RequestInit);
      expect(await answer.text()).toBe("HELLO CHUNKED WORLD");
    });

    // Sent raw: fetch would fold the repeats into one line before they reach the engine.
    it("joins a repeated request header with a comma, and repeated cookies with a semicolon", async () => {
      const { address } = await start();
      const outcome = await rawRequest(
        address.port,
        [
          "GET /repeated HTTP/1.1",
          "host: x",
          "x-list: 1",
          "x-list: 2",
          "cookie: a=1",
          "cookie: b=2",
          "set-cookie: s=1",
          "set-cookie: s=2",
          "connection: close",
          "",
          "",
        ].join("\r\n"),
      );
      expect(outcome.status).toBe(200);
      expect(JSON.parse(bodyOf(outcome.text))).toEqual({
        list: "1, 2",
        cookie: "a=1; b=2",
        setCookie: "s=1, s=2",
      });
    });

    it("sends statuses and headers, and turns returned values into text, bytes or JSON", async () => {
      const { httpUrl } = await start();
      const headers = await fetch(httpUrl("/headers"), { headers: { "x-test": "hello" } });
      expect(headers.status).toBe(203);
      expect(headers.headers.get("x-seen")).toBe("hello");
      expect(headers.headers.get("x-count")).toBe("2");
      const text = await fetch(httpUrl("/returns/text"));
      expect(text.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await text.text()).toBe("plain");
      const bytes = await fetch(httpUrl("/returns/bytes"));
      expect(bytes.headers.get("content-type")).toBe("application/octet-stream");
      expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([1, 2, 3]);
      expect(await (await fetch(httpUrl("/returns/json"))).json()).toEqual({ list: [1, 2] });
      expect(await (await fetch(httpUrl("/returns/null"))).text()).toBe("null");
      const typed = await fetch(httpUrl("/typed"));
      expect(typed.headers.get("content-type")).toBe("text/csv");
      expect(await typed.text()).toBe("a,b");
    });

    it("answers a thrown HttpError with its status, and refuses header injection with 500", async () => {
      const { httpUrl } = await start();
      const forbidden = await fetch(httpUrl("/forbidden"));
      expect(forbidden.status).toBe(403);
      expect(await forbidden.text()).toBe("no entry");
      const injected = await fetch(httpUrl("/bad-header"));
      expect(injected.status).toBe(500);
      expect(injected.headers.get("set-cookie")).toBeNull();
    });
  });
}
