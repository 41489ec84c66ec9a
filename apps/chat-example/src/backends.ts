import type { Backend } from "@switchboard/core";
import { uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";

/** The engines `--backend` can name. Another engine is one more line here. */
export const backends = {
  ws: () => wsBackend(),
  uws: () => uwsBackend(),
} satisfies Record<string, () => Backend>;

/** A valid `--backend` value. */
export type BackendName = keyof typeof backends;

/** Whether `name` is a key of `backends`. */
export function isBackendName(name: string): name is BackendName {
  return Object.hasOwn(backends, name);
}
