import type { TemplatedApp, us_listen_socket } from "uWebSockets.js";
import type { Backend } from "@switchboard/core";
import type { Engine } from "../../src/engine.js";
import { sslApp } from "../../src/engine.js";
import { type UwsAppRequest, uwsBackend } from "../../src/index.js";
import { listenExclusive } from "../../src/listen.js";

/** The paths the application keeps for itself. */
export const APP_PREFIX = "/app/";

/** Switchboard answers every request the application's own handlers do not take. */
const outsideApplication = (request: UwsAppRequest) => !request.url.startsWith(APP_PREFIX);

/**
 * A backend for the conformance suite on an application's uWS app: each `listen` builds a fresh
 * app with a route of its own (an SSLApp when the case asks for TLS), adds Switchboard with
 * `uwsBackend({ app })`, and has the app listen where the case asked, as an application would;
 * `close()` closes the app too, as the cases that check the port is released expect.
 */
export function attachedToApplicationApp(engine: Engine): Backend {
  let app: TemplatedApp | undefined;
  let socket: us_listen_socket | undefined;
  let attached: Backend | undefined;
  return {
    name: "uws",
    async listen(host, address) {
      const next = address.tls ? await sslApp(engine, address.tls) : engine.App();
      next.get(`${APP_PREFIX}hello`, (res) => {
        res.end("hello from the application");
      });
      const backend = uwsBackend({ engine, app: next, routes: outsideApplication });
      await backend.listen(host, address);
      try {
        socket = await listenExclusive(next, address.host, address.port);
      } catch (error) {
        await backend.close();
        (next as TemplatedApp & { close(): void }).close();
        throw error;
      }
      app = next;
      attached = backend;
      return { port: engine.us_socket_local_port(socket) };
    },
    publish(topic, data, binary, exclude) {
      attached?.publish?.(topic, data, binary, exclude);
    },
    async close() {
      await attached?.close();
      if (socket) engine.us_listen_socket_close(socket);
      (app as (TemplatedApp & { close(): void }) | undefined)?.close();
      attached = undefined;
      socket = undefined;
      app = undefined;
    },
  };
}
