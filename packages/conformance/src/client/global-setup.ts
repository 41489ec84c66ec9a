import {
  type ClientBackend,
  startControlServer,
  type UnavailableBackend,
} from "./control-server.js";
import { CLIENT_SERVERS_KEY, type ClientServersInfo } from "./types.js";

/** The part of vitest's `TestProject` the setup uses. */
export interface ProvidingProject {
  /** Hands a value to the tests, which read it with `inject(key)`. */
  provide(key: typeof CLIENT_SERVERS_KEY, value: ClientServersInfo): void;
}

/**
 * Makes a vitest globalSetup for the client suite: starts the control server, which runs
 * Switchboard servers on each of `backends`, and hands its address to the tests. The client
 * suite then runs once per backend; adding a backend is adding an entry.
 *
 * @example
 * // test/global-setup.ts
 * import { clientServers } from "@switchboard/conformance/client-servers";
 * import { wsBackend } from "@switchboard/server-ws";
 * export default clientServers([{ name: "ws", backend: () => wsBackend() }]);
 */
export function clientServers(
  entries: readonly (ClientBackend | UnavailableBackend)[],
): (project: ProvidingProject) => Promise<() => Promise<void>> {
  return async (project) => {
    const backends = entries.filter((entry): entry is ClientBackend => "backend" in entry);
    const control = await startControlServer(backends);
    project.provide(CLIENT_SERVERS_KEY, {
      control: control.url,
      backends: backends.map((b) => b.name),
      unavailable: Object.fromEntries(
        entries.flatMap((entry) =>
          "unavailable" in entry ? [[entry.name, entry.unavailable]] : [],
        ),
      ),
      skips: Object.fromEntries(backends.map((b) => [b.name, b.skip ?? []])),
    });
    return () => control.close();
  };
}
