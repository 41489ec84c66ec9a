import type { WebServer } from "@switchboard/core";

/**
 * The routes request-framing cases attack: `/upload` reads its body, `/smuggled` is what a
 * smuggled request would run, `/ping` answers; `/empty` (204), `/unchanged` (304) and
 * `/empty-closing` (204 with `connection: close`) answer without a body. Each route that runs is
 * recorded in `reached`.
 */
export function framingRoutes(server: WebServer, reached: string[]): void {
  server.post("/upload", async (req) => {
    reached.push("upload");
    return `${(await req.bytes()).byteLength}`;
  });
  server.get("/smuggled", () => {
    reached.push("smuggled");
    return "smuggled";
  });
  server.get("/ping", () => "pong");
  server.get("/empty", (_req, res) => res.status(204).end());
  server.get("/unchanged", (_req, res) => res.status(304).end());
  server.get("/empty-closing", (_req, res) => res.status(204).header("connection", "close").end());
}
