import { fileURLToPath } from "node:url";
import { serveStatic, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

const publicDir = fileURLToPath(new URL("./public/", import.meta.url));

export async function main(port = 8080): Promise<WebServer> {
  const server = new WebServer({ backend: wsBackend() });
  server.get("/api/time", () => ({ now: Date.now() }));
  // Everything else comes from ./public: / serves index.html; nothing outside it is reachable.
  server.get("/*", serveStatic(publicDir, { index: "index.html", maxAge: 60 }));
  await server.listen({ port });
  return server;
}
