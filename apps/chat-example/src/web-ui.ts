import { fileURLToPath } from "node:url";
import { serveStatic, type WebServer } from "@switchboard/core";

/** The page, its script and its stylesheet, built next to this file by tsup (see tsup.config.ts). */
const WEB_ROOT = fileURLToPath(new URL("./web/", import.meta.url));

/** `GET /` is the chat page; `GET /assets/<file>` its script and stylesheet. */
export function serveWebUi(server: WebServer): void {
  const files = serveStatic(WEB_ROOT, { index: "index.html" });
  server.get("/", files);
  server.get("/assets/*", files);
}
