import type { WebServer } from "@switchboard/core";

/**
 * The routes request-framing cases attack: `/upload` reads its body, `/smuggled` is what a
 * smuggled request would run, `/ping` answers. Each route that runs is recorded in `reached`.
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
}
