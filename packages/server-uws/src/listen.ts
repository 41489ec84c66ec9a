import type { TemplatedApp, us_listen_socket } from "uWebSockets.js";
import { createServer } from "node:net";

/** uWS's LIBUS_LISTEN_EXCLUSIVE_PORT (a type-only enum in some builds' declarations). */
const EXCLUSIVE_PORT = 1;

/** Tries with a fresh port when another process took the one just picked. */
const PICK_ATTEMPTS = 5;

/**
 * Listens as node:http does: with SO_REUSEADDR, so a restart on the same port is not blocked by
 * the TIME_WAIT of connections the server closed first, and without SO_REUSEPORT, so a port in use
 * is refused instead of silently shared with the other listener. uWS sets SO_REUSEADDR only for an
 * explicit port with LIBUS_LISTEN_EXCLUSIVE_PORT, so port 0 becomes a free port picked here.
 */
export async function listenExclusive(
  app: TemplatedApp,
  host: string,
  port: number,
): Promise<us_listen_socket> {
  for (let attempt = 1; ; attempt++) {
    const chosen = port === 0 ? await freePort(host) : port;
    const socket = await new Promise<us_listen_socket | false>((resolve) =>
      // The host + options form exists in every uWS 20 build; one build's types omit it.
      (app.listen as unknown as ListenWithOptions)(host, chosen, EXCLUSIVE_PORT, resolve),
    );
    if (socket) return socket;
    if (port !== 0 || attempt >= PICK_ATTEMPTS) {
      throw new Error(`uws backend could not listen on ${host}:${port} (in use or not allowed)`);
    }
  }
}

type ListenWithOptions = (
  host: string,
  port: number,
  options: number,
  callback: (socket: us_listen_socket | false) => void,
) => void;

/** A TCP port free on `host` a moment ago. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
