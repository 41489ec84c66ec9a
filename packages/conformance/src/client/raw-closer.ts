import { createHash } from "node:crypto";
import { createServer, type Socket } from "node:net";

/** A WebSocket server of a few lines that closes every connection with a code of its choice. */
export interface RawCloser {
  port: number;
  /** Handshakes completed so far. */
  upgrades(): number;
  close(): Promise<void>;
}

// RFC 6455 section 1.3.
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * Accepts each upgrade, then sends a close frame with `code` and `reason` and ends the
 * connection. For close codes a Switchboard server refuses to send (1010 is meant for clients),
 * so that a client's reaction to them can be tested at all.
 */
export async function rawCloser(code: number, reason: string): Promise<RawCloser> {
  const sockets = new Set<Socket>();
  let upgrades = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    let head = "";
    socket.on("data", (chunk) => {
      if (head.includes("\r\n\r\n")) return; // the client's close frame, after ours
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? "";
      const accept = createHash("sha1")
        .update(key + GUID)
        .digest("base64");
      upgrades++;
      const text = Buffer.from(reason);
      const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), text]);
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      // FIN + close opcode, unmasked (server to client), payload of at most 125 bytes.
      socket.write(Buffer.concat([Buffer.from([0x88, payload.length]), payload]));
      socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    upgrades: () => upgrades,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
