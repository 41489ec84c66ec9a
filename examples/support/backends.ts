import type { Backend } from "@switchboard/core";
import { uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";

/** The engines an example can run on, by name. */
export const BACKENDS: Record<string, () => Backend> = { ws: wsBackend, uws: uwsBackend };

export function backendNamed(name: string): Backend {
  const make = BACKENDS[name];
  if (!make)
    throw new Error(`unknown backend "${name}"; use one of ${Object.keys(BACKENDS).join(", ")}`);
  return make();
}
