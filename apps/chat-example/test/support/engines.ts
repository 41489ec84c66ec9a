import { uwsBackend } from "@switchboard/server-uws";

/**
 * The `--backend` values the built server can run on here, each with why not when it cannot:
 * uWebSockets.js has no build for every Node.js line, and a case that cannot run is a named skip.
 */
export const BACKEND_CASES: readonly { backend: "ws" | "uws"; unavailable?: string }[] = [
  { backend: "ws" },
  { backend: "uws", unavailable: uwsUnavailable() },
];

function uwsUnavailable(): string | undefined {
  try {
    uwsBackend();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
