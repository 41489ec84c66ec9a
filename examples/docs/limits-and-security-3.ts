import { readFile } from "node:fs/promises";
import { wsBackend } from "@switchboard/server-ws";
import { ChatServer } from "./getting-started-1.js";

export async function main(port = 8443, certFile = "cert.pem", keyFile = "key.pem") {
  const server = new ChatServer({ backend: wsBackend() });
  const tls = { cert: await readFile(certFile, "utf8"), key: await readFile(keyFile, "utf8") };
  const { url } = await server.listen({ port, tls }); // https://127.0.0.1:8443, wss:// for WebSockets
  console.log(`listening on ${url}`);
  return server;
}
