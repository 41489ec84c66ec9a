import { type CorsOptions, cors, WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import type { SuiteContext } from "../support/context.js";

const APP = "https://app.example";
const EVIL = "https://evil.example";

/** The `cors()` middleware: origin allowlist, preflights, credentials. */
export function corsCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("CORS", () => {
    const start = (options: CorsOptions) =>
      ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onInit() {
              this.use(cors(options));
              this.get("/data", (_req, res) => res.header("x-total", 3).json({ ok: true }));
              this.post("/data", () => "posted");
            },
          }),
      );

    it("adds allow headers for an allowed origin and none for another, always with Vary: Origin", async () => {
      const { httpUrl } = await start({
        origins: [APP],
        credentials: true,
        exposeHeaders: ["x-total"],
      });
      const allowed = await fetch(httpUrl("/data"), { headers: { origin: APP } });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get("access-control-allow-origin")).toBe(APP);
      expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
      expect(allowed.headers.get("access-control-expose-headers")).toBe("x-total");
      expect(allowed.headers.get("vary")).toBe("Origin");
      const denied = await fetch(httpUrl("/data"), { headers: { origin: EVIL } });
      expect(denied.status).toBe(200);
      expect(denied.headers.get("access-control-allow-origin")).toBeNull();
      expect(denied.headers.get("access-control-allow-credentials")).toBeNull();
      expect(denied.headers.get("vary")).toBe("Origin");
      const sameOrigin = await fetch(httpUrl("/data"));
      expect(sameOrigin.headers.get("access-control-allow-origin")).toBeNull();
      expect(await sameOrigin.json()).toEqual({ ok: true });
    });

    it("answers a preflight with 204 and the allowed methods, headers and max age, on paths without OPTIONS routes", async () => {
      const { httpUrl } = await start({ origins: [APP], methods: ["GET", "POST"], maxAge: 600 });
      const preflight = await fetch(httpUrl("/data"), {
        method: "OPTIONS",
        headers: {
          origin: APP,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type, x-token",
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe(APP);
      expect(preflight.headers.get("access-control-allow-methods")).toBe("GET, POST");
      expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type, x-token");
      expect(preflight.headers.get("access-control-max-age")).toBe("600");
      expect(preflight.headers.get("vary")).toBe("Origin, Access-Control-Request-Headers");
      expect(await preflight.text()).toBe("");
      // Not a preflight: an OPTIONS without Access-Control-Request-Method is routed as usual.
      expect(
        (await fetch(httpUrl("/data"), { method: "OPTIONS", headers: { origin: APP } })).status,
      ).toBe(405);
    });

    it("answers a preflight from a disallowed origin without any allow header", async () => {
      const { httpUrl } = await start({ origins: [APP], headers: ["content-type"] });
      const preflight = await fetch(httpUrl("/data"), {
        method: "OPTIONS",
        headers: { origin: EVIL, "access-control-request-method": "POST" },
      });
      expect(preflight.status).toBe(204);
      for (const name of ["origin", "methods", "headers", "credentials"]) {
        expect(preflight.headers.get(`access-control-allow-${name}`), name).toBeNull();
      }
      expect(preflight.headers.get("vary")).toBe("Origin");
    });

    it('allows any origin with "*", and refuses "*" with credentials when the middleware is made', async () => {
      const open = await start({ origins: "*" });
      const any = await fetch(open.httpUrl("/data"), { headers: { origin: EVIL } });
      expect(any.headers.get("access-control-allow-origin")).toBe("*");
      expect(any.headers.get("access-control-allow-credentials")).toBeNull();
      expect(() => cors({ origins: "*", credentials: true })).toThrow(/credentials/);
    });
  });
}
