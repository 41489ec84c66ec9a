import { createServer, type IncomingMessage, type RequestListener } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { Backend } from "@switchboard/core";
import type { ListenAddress } from "@switchboard/core/backend";
import { wsBackend } from "../../src/index.js";

/** The paths the application keeps for itself; Switchboard must never see a request to them. */
export const APP_PREFIX = "/app/";

/** What the application saw: every request it answered, by method and URL. */
export interface ApplicationLog {
  requests: string[];
}

/**
 * An application of its own, as a user's server has: a greeting, an echo that reads bodies of
 * any size (no limit of Switchboard's applies to it), and its own 404 for the rest of its paths.
 */
export function application(log: ApplicationLog): RequestListener {
  return (req, res) => {
    log.requests.push(`${req.method} ${req.url}`);
    if (req.url === `${APP_PREFIX}hello`) {
      res.writeHead(200, { "content-type": "text/plain" }).end("hello from the application");
      return;
    }
    if (req.url === `${APP_PREFIX}echo` && req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => res.writeHead(200).end(`${Buffer.concat(chunks).byteLength} bytes`));
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("the application has no such page");
  };
}

/** Switchboard answers every request outside the application's paths (its own 404s included). */
export const outsideApplication = (req: IncomingMessage) => !req.url?.startsWith(APP_PREFIX);

/**
 * A backend for the conformance suite in attached mode: each `listen` makes a fresh server for
 * the application above (https when the case asks for TLS), listens on the address the case
 * asked for, and attaches `wsBackend({ server })` to it. The suite is thus run unchanged, with
 * every byte going through the application's server; `close()` closes that server too, as the
 * cases that check the port is released expect.
 */
export function attachedToApplication(log: ApplicationLog = { requests: [] }): Backend {
  let attached: Backend | undefined;
  return {
    name: "ws",
    async listen(host, address: ListenAddress) {
      const listener = application(log);
      const next = address.tls ? createTlsServer(address.tls, listener) : createServer(listener);
      await new Promise<void>((resolve, reject) => {
        next.once("error", reject);
        next.listen(address.port, address.host, () => {
          next.off("error", reject);
          resolve();
        });
      });
      attached = wsBackend({ server: next, routes: outsideApplication, closeServer: true });
      return attached.listen(host, address);
    },
    async close() {
      await attached?.close();
      attached = undefined;
    },
  };
}
