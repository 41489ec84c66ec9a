import { uwsBackend } from "@switchboard/server-uws";
import { INSTALL_BUN } from "@switchboard/test-support/bun";
import { BUN } from "./process.js";

/** A `--backend` value, the runtime the built server runs on with it, and why not, if it cannot. */
export interface BackendCase {
  backend: "ws" | "uws" | "bun";
  runtime: string;
  unavailable?: string;
}

/**
 * The `--backend` values the built server can run on here: uWebSockets.js has no build for every
 * Node.js line, and Bun may not be installed. A case that cannot run is a named skip.
 */
export const BACKEND_CASES: readonly BackendCase[] = [
  { backend: "ws", runtime: process.execPath },
  { backend: "uws", runtime: process.execPath, ...reason(uwsUnavailable()) },
  {
    backend: "bun",
    runtime: BUN ?? "",
    ...reason(BUN ? undefined : `Bun is not installed; ${INSTALL_BUN}`),
  },
];

function reason(unavailable: string | undefined): { unavailable?: string } {
  return unavailable === undefined ? {} : { unavailable };
}

function uwsUnavailable(): string | undefined {
  try {
    uwsBackend();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
