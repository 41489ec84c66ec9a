import type { Backend } from "@switchboard/core";

/**
 * The engines `--backend` can name. Another engine is one more line here. Each is imported only
 * when chosen: under Bun, uWebSockets.js (a Node.js addon) is never loaded.
 */
export const backends = {
  ws: async () => (await import("@switchboard/server-ws")).wsBackend(),
  uws: async () => (await import("@switchboard/server-uws")).uwsBackend(),
  // Under Bun only: `bun dist/server.js --backend bun`.
  bun: async () => (await import("@switchboard/server-bun")).bunBackend(),
} satisfies Record<string, () => Promise<Backend>>;

/** A valid `--backend` value. */
export type BackendName = keyof typeof backends;

/** Whether `name` is a key of `backends`. */
export function isBackendName(name: string): name is BackendName {
  return Object.hasOwn(backends, name);
}
