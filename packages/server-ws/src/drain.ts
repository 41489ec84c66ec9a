import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * The sockets that carried a response of `server`, kept while they are open. node:http counts a
 * connection whose response is written as idle even while its socket still holds the bytes, and
 * `close()` drops idle connections at once: these are what a closing backend waits for.
 */
export function responseSockets(server: Server): {
  sockets: ReadonlySet<Socket>;
  /** Stops following the server's requests. */
  stop(): void;
} {
  const sockets = new Set<Socket>();
  const follow = ({ socket }: { socket: Socket }) => {
    if (sockets.has(socket)) return;
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  server.on("request", follow);
  return { sockets, stop: () => server.off("request", follow) };
}

/**
 * Resolves once every socket that still holds bytes of a response has written them (or closed),
 * or after `limitMs`.
 */
export function drained(sockets: ReadonlySet<Socket>, limitMs: number): Promise<void> {
  const pending = [...sockets].filter((socket) => socket.writableLength > 0 && !socket.destroyed);
  if (pending.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    let left = pending.length;
    const timer = setTimeout(resolve, limitMs);
    const done = () => {
      left -= 1;
      if (left > 0) return;
      clearTimeout(timer);
      resolve();
    };
    for (const socket of pending) {
      const once = () => {
        socket.off("drain", once);
        socket.off("close", once);
        done();
      };
      socket.on("drain", once);
      socket.on("close", once);
    }
  });
}
