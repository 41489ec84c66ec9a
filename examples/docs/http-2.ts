import { cors, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";

export async function main(port = 8080): Promise<WebServer> {
  const server = new WebServer({ backend: wsBackend() });
  server
    .use(cors({ origins: ["https://app.example"], maxAge: 600 }))
    .use(async (req, res, next) => {
      const started = Date.now();
      await next();
      console.log(`${req.method} ${req.path} ${res.statusCode} ${Date.now() - started} ms`);
    })
    .get("/hello", () => "hello")
    .notFound((req, res) => res.status(404).json({ missing: req.path }))
    .errorHandler((error) => ({ error: error.message }));
  await server.listen({ port });
  return server;
}
