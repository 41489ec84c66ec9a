import { wsBackend } from "@switchboard/server-ws";
import { ChatServer } from "./getting-started-1.js";

export async function main(port = 8080): Promise<ChatServer> {
  const server = new ChatServer({
    backend: wsBackend(),
    maxMessageBytes: 64 * 1024, // bigger messages close the channel with 1009
    maxBodyBytes: 256 * 1024, // bigger HTTP bodies get 413
    allowedOrigins: ["https://chat.example"], // other Origins get 403
    maxConnections: 5000, // then upgrades get 503
    maxConnectionsPerIp: 20, // more from one address get 429
    heartbeatIntervalMs: 20_000, // a peer that misses a ping is dropped
    idleTimeoutMs: 5 * 60_000, // no message for 5 minutes: closed with 1001
    maxMessagesPerSecond: 50, // more: closed with 1008
    perMessageDeflate: { threshold: 256 }, // compress messages of 256 bytes or more
  });
  await server.listen({ port });
  return server;
}
