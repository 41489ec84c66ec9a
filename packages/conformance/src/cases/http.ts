import { HttpError, WebServer } from "@switchboard/core";
import { describe, expect, it } from "vitest";
import type { SuiteContext } from "../support/context.js";
import { rawExchange, statusOf } from "../support/raw.js";

class RoutesServer extends WebServer {
  override onInit() {
    this.get("/users/:id", (req) => ({ id: req.params["id"], full: req.query.get("full") }));
    this.get("/users/me", () => "static wins");
    this.get("/files/*path", (req) => `file:${req.params["path"]}`);
    this.post("/echo", async (req, res) => res.json({ got: await req.json() }));
    this.put("/bytes", async (req, res) => res.send(await req.bytes()));
    this.delete("/users/:id", (_req, res) => res.status(204).end());
    this.any("/any", (req) => req.method);
    this.get("/headers", (req, res) =>
      res.header("x-seen", req.header("x-test") ?? "none").text("ok"),
    );
    this.get("/teapot", () => {
      throw new HttpError(418, "short and stout");
    });
    this.get("/boom", () => {
      throw new Error("handler exploded");
    });
    this.get("/async-boom", async () => {
      throw new Error("async handler exploded");
    });
    this.get("/silent", () => undefined);
    this.get("/stream", async (_req, res) => {
      res.header("content-type", "text/plain");
      for (const part of ["a", "b", "c"]) {
        res.write(part);
        await new Promise((r) => setTimeout(r, 5));
      }
      res.end("!");
    });
  }
}

/** HTTP routes served on the WebSocket port. */
export function httpCases(ctx: SuiteContext): void {
  describe("HTTP routes", () => {
    const start = () => ctx.start((backend) => new RoutesServer({ backend, onError: () => {} }));

    it("matches :params and query strings, static before param, and wildcards", async () => {
      const { httpUrl } = await start();
      expect(await (await fetch(httpUrl("/users/42?full=yes"))).json()).toEqual({
        id: "42",
        full: "yes",
      });
      expect(await (await fetch(httpUrl("/users/me"))).text()).toBe("static wins");
      expect(await (await fetch(httpUrl("/users/a%20b"))).json()).toEqual({
        id: "a b",
        full: null,
      });
      expect(await (await fetch(httpUrl("/files/a/b/c.txt"))).text()).toBe("file:a/b/c.txt");
    });

    it("answers 404 for unknown paths and 405 with Allow for known paths", async () => {
      const { httpUrl } = await start();
      expect((await fetch(httpUrl("/nope"))).status).toBe(404);
      const wrong = await fetch(httpUrl("/echo"));
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get("allow")).toBe("POST");
      const users = await fetch(httpUrl("/users/1"), { method: "PATCH" });
      expect(users.status).toBe(405);
      expect(users.headers.get("allow")).toBe("GET, HEAD, DELETE");
    });

    it("reads JSON and byte bodies, and answers 400 on bad JSON", async () => {
      const { httpUrl } = await start();
      const echo = await fetch(httpUrl("/echo"), {
        method: "POST",
        body: JSON.stringify({ a: [1, "ü"] }),
      });
      expect(echo.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await echo.json()).toEqual({ got: { a: [1, "ü"] } });
      const bad = await fetch(httpUrl("/echo"), { method: "POST", body: "{not json" });
      expect(bad.status).toBe(400);
      const bytes = new Uint8Array(300_000).map((_, i) => i % 251);
      const put = await fetch(httpUrl("/bytes"), { method: "PUT", body: bytes });
      expect(Buffer.from(await put.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    });

    it("answers 413 for a body over maxBodyBytes", async () => {
      const { httpUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            maxBodyBytes: 1000,
            onInit() {
              this.post("/upload", async (req) => `${(await req.bytes()).byteLength}`);
            },
          }),
      );
      expect(
        await (await fetch(httpUrl("/upload"), { method: "POST", body: "x".repeat(1000) })).text(),
      ).toBe("1000");
      const over = await fetch(httpUrl("/upload"), { method: "POST", body: "x".repeat(1001) });
      expect(over.status).toBe(413);
    });

    it("answers HEAD from GET routes without a body, and ANY for every method", async () => {
      const { httpUrl } = await start();
      const head = await fetch(httpUrl("/users/5"), { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe("");
      expect(await (await fetch(httpUrl("/any"), { method: "PUT" })).text()).toBe("PUT");
      expect((await fetch(httpUrl("/users/5"), { method: "DELETE" })).status).toBe(204);
    });

    it("sets and reads headers, streams a body, and honours HttpError", async () => {
      const { httpUrl } = await start();
      const headers = await fetch(httpUrl("/headers"), { headers: { "x-test": "hello" } });
      expect(headers.headers.get("x-seen")).toBe("hello");
      expect(await (await fetch(httpUrl("/stream"))).text()).toBe("abc!");
      const teapot = await fetch(httpUrl("/teapot"));
      expect(teapot.status).toBe(418);
      expect(await teapot.text()).toBe("short and stout");
    });

    it("answers 500 when a handler throws or never responds, reports it, and keeps serving", async () => {
      const errors: unknown[] = [];
      const { httpUrl } = await ctx.start(
        (backend) =>
          new RoutesServer({
            backend,
            onError(error) {
              errors.push(error);
            },
          }),
      );
      expect((await fetch(httpUrl("/boom"))).status).toBe(500);
      expect((await fetch(httpUrl("/async-boom"))).status).toBe(500);
      expect((await fetch(httpUrl("/silent"))).status).toBe(500);
      expect(errors.map((e) => String((e as Error).message))).toEqual([
        "handler exploded",
        "async handler exploded",
        expect.stringContaining("without responding"),
      ]);
      expect(await (await fetch(httpUrl("/users/1"))).json()).toEqual({ id: "1", full: null });
    });

    it("answers 400 to a malformed percent-encoded path", async () => {
      const { address } = await start();
      const answer = await rawExchange(
        address.port,
        "GET /users/%E0%A4%A HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
      );
      expect(statusOf(answer)).toBe(400);
    });
  });
}
