import { HttpError, WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import type { SuiteContext } from "../support/context.js";
import { rawExchange, statusOf } from "../support/raw.js";

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

class RoutesServer extends WebServer {
  override onInit() {
    this.get("/users/:id", (req) => ({ id: req.params["id"], full: req.query.get("full") }));
    this.get("/users/me", () => "static wins");
    this.get("/files/*path", (req) => `file:${req.params["path"]}`);
    this.post("/echo", async (req, res) => res.json({ got: await req.json() }));
    this.delete("/users/:id", (_req, res) => res.status(204).end());
    this.any("/any", (req) => req.method);
    for (const method of METHODS) this.route(method, "/method", () => `via ${method}`);
    this.get("/p/static", () => "static");
    this.get("/p/:id", (req) => `param ${req.params["id"]}`);
    this.get("/p/:id/x", (req) => `param ${req.params["id"]} then x`);
    this.get("/p/*", (req) => `wildcard ${req.params["*"]}`);
    this.get("/boom", () => {
      throw new Error("handler exploded");
    });
    this.get("/async-boom", async () => {
      throw new Error("async handler exploded");
    });
    this.get("/silent", () => undefined);
    this.get("/teapot", () => {
      throw new HttpError(418, "short and stout");
    });
  }
}

/** Routing: methods, params, wildcards, precedence, 404/405, and custom not-found and error handlers. */
export function routingCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("HTTP routing", () => {
    const start = (hooks: Partial<ConstructorParameters<typeof WebServer>[0]> = {}) =>
      ctx.start((backend) => new RoutesServer({ backend, onError: () => {}, ...hooks }));

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

    it("prefers static over :param over * at every level, backtracking when a branch dead-ends", async () => {
      const { httpUrl } = await start();
      const text = async (path: string) => (await fetch(httpUrl(path))).text();
      expect(await text("/p/static")).toBe("static");
      expect(await text("/p/7")).toBe("param 7");
      expect(await text("/p/7/x")).toBe("param 7 then x");
      expect(await text("/p/7/y")).toBe("wildcard 7/y");
      expect(await text("/p/static/x")).toBe("param static then x");
      expect(await text("/p")).toBe("wildcard ");
    });

    it("routes GET, POST, PUT, DELETE, PATCH, OPTIONS and ANY, and answers HEAD from GET without a body", async () => {
      const { httpUrl } = await start();
      for (const method of METHODS) {
        expect(await (await fetch(httpUrl("/method"), { method })).text()).toBe(`via ${method}`);
      }
      for (const method of [...METHODS, "HEAD"]) {
        const answer = await fetch(httpUrl("/any"), { method });
        expect(answer.status).toBe(200);
        expect(await answer.text()).toBe(method === "HEAD" ? "" : method);
      }
      const head = await fetch(httpUrl("/users/5"), { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-length")).toBe(
        String(JSON.stringify({ id: "5", full: null }).length),
      );
      expect(await head.text()).toBe("");
      expect((await fetch(httpUrl("/users/5"), { method: "DELETE" })).status).toBe(204);
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

    it("uses a custom not-found handler and a custom error handler for every error status", async () => {
      const seen: { status: number; cause: unknown }[] = [];
      const { httpUrl } = await ctx.start((backend) =>
        new RoutesServer({ backend, onError: () => {} })
          .notFound((req, res) => res.status(404).json({ missing: req.path }))
          .errorHandler((error, req) => {
            seen.push({ status: error.status, cause: error.cause });
            return { error: error.message, status: error.status, path: req.path };
          }),
      );
      const missing = await fetch(httpUrl("/nowhere"));
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ missing: "/nowhere" });
      const wrong = await fetch(httpUrl("/echo"));
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get("allow")).toBe("POST");
      expect(await wrong.json()).toEqual({
        error: "method not allowed",
        status: 405,
        path: "/echo",
      });
      const teapot = await fetch(httpUrl("/teapot"));
      expect(teapot.status).toBe(418);
      expect(await teapot.json()).toEqual({
        error: "short and stout",
        status: 418,
        path: "/teapot",
      });
      const boom = await fetch(httpUrl("/boom"));
      expect(boom.status).toBe(500);
      expect(await boom.json()).toEqual({
        error: "internal server error",
        status: 500,
        path: "/boom",
      });
      const cause = seen.find((s) => s.status === 500)?.cause;
      expect(cause instanceof Error && cause.message).toBe("handler exploded");
    });

    it("falls back to the default answer when the error handler throws, and keeps serving", async () => {
      const errors: unknown[] = [];
      const { httpUrl } = await ctx.start((backend) =>
        new RoutesServer({ backend, onError: (error) => void errors.push(error) }).errorHandler(
          () => {
            throw new Error("error handler exploded");
          },
        ),
      );
      const answer = await fetch(httpUrl("/teapot"));
      expect(answer.status).toBe(418);
      expect(await answer.text()).toBe("short and stout");
      expect(errors.map((e) => (e as Error).message)).toEqual(["error handler exploded"]);
      expect(await (await fetch(httpUrl("/p/static"))).text()).toBe("static");
    });

    it("answers 500 when a handler throws or never responds, reports it, and keeps serving", async () => {
      const errors: unknown[] = [];
      const { httpUrl } = await start({ onError: (error) => void errors.push(error) });
      expect((await fetch(httpUrl("/boom"))).status).toBe(500);
      expect((await fetch(httpUrl("/async-boom"))).status).toBe(500);
      const silent = await fetch(httpUrl("/silent"));
      expect(silent.status).toBe(500);
      expect(await silent.text()).toBe("internal server error");
      expect(errors.map((e) => String((e as Error).message))).toEqual([
        "handler exploded",
        "async handler exploded",
        expect.stringContaining("without responding"),
      ]);
      expect(await (await fetch(httpUrl("/users/1"))).json()).toEqual({ id: "1", full: null });
    });

    it("runs middleware in order before routing, and lets one answer on its own", async () => {
      const order: string[] = [];
      const { httpUrl } = await ctx.start((backend) =>
        new RoutesServer({ backend, onError: () => {} })
          .use(async (req, res, next) => {
            order.push(`first ${req.path}`);
            res.header("x-first", "1");
            await next();
            order.push("first after");
          })
          .use((req, res, next) => {
            order.push("second");
            if (req.path === "/blocked") return res.status(403).text("blocked");
            return next();
          }),
      );
      const routed = await fetch(httpUrl("/p/static"));
      expect(await routed.text()).toBe("static");
      expect(routed.headers.get("x-first")).toBe("1");
      expect(order).toEqual(["first /p/static", "second", "first after"]);
      const blocked = await fetch(httpUrl("/blocked"));
      expect(blocked.status).toBe(403);
      expect(blocked.headers.get("x-first")).toBe("1");
      const missing = await fetch(httpUrl("/nope"));
      expect(missing.status).toBe(404);
      expect(missing.headers.get("x-first")).toBe("1");
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
