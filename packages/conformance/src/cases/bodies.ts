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
    this.get("/header-value", (req, res) =>
      res.header("x-echo", req.query.get("v") ?? "").text("set"),
    );
    this.get("/header-name", (req, res) => res.header(req.query.get("n") ?? "", "v").text("set"));
    this.get("/status", (req, res) => res.status(Number(req.query.get("code"))).text("x"));
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

    it("receives a body in thousands of tiny chunks byte for byte, chunked and with Content-Length", async () => {
      // Each chunk was kept as itself: from node:http a 1-byte chunk held its whole socket read.
      const { address } = await start();
      const size = 150_000;
      const body = Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
      const chunked: Uint8Array[] = [];
      const plain: Uint8Array[] = [];
      for (let at = 0, n = 1; at < size; at += n, n = (n % 97) + 1) {
        const part = body.subarray(at, Math.min(size, at + n));
        chunked.push(
          Buffer.concat([
            Buffer.from(`${part.length.toString(16)}\r\n`),
            part,
            Buffer.from("\r\n"),
          ]),
        );
        plain.push(part);
      }
      const head = (framing: string) =>
        `PUT /bytes HTTP/1.1\r\nhost: x\r\n${framing}\r\nconnection: close\r\n\r\n`;
      for (const [framing, parts] of [
        ["transfer-encoding: chunked", [...chunked, "0\r\n\r\n"]],
        [`content-length: ${size}`, plain],
      ] as const) {
        const answer = await rawRequest(address.port, [head(framing), ...parts], 20_000);
        expect(answer.status, framing).toBe(200);
        const got = Buffer.from(bodyOf(answer.text), "latin1");
        expect(got.length, framing).toBe(size);
        expect(got.equals(Buffer.from(body)), framing).toBe(true);
      }
    });

    it("answers 500 for a header no engine writes the same way, and for a 1xx final status", async () => {
      // Engines disagreed: one failed the response and left the connection open with no
      // answer, another wrote the bytes raw (a NUL, or a name with a colon: another header).
      const { httpUrl } = await start();
      const status = async (path: string) => (await fetch(httpUrl(path))).status;
      for (const value of ["a\x00b", "a\x7fb", "a\x0bb", "é", "Ā", "→"]) {
        expect(await status(`/header-value?v=${encodeURIComponent(value)}`), value).toBe(500);
      }
      for (const name of ["bad name", "x:y", "", "é", "x\ty"]) {
        expect(await status(`/header-name?n=${encodeURIComponent(name)}`), name).toBe(500);
      }
      for (const code of [100, 101, 103, 199]) {
        expect(await status(`/status?code=${code}`), String(code)).toBe(500);
      }
      const fine = await fetch(httpUrl(`/header-value?v=${encodeURIComponent("a b\tc ~!")}`));
      expect(fine.status).toBe(200);
      expect(fine.headers.get("x-echo")).toBe("a b\tc ~!");
      expect(await status("/status?code=204")).toBe(204);
    });
  });
}
