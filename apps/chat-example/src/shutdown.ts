import type { WebServer } from "@switchboard/core";

/** The whole shutdown, close handshakes included, must fit in this. */
export const SHUTDOWN_BUDGET_MS = 5000;

/** How long peers get to answer the 1001 close frame: well inside the budget. */
export const closeTimeoutMs = 3000;

/**
 * On SIGINT or SIGTERM: `server.close()` (every client gets 1001), then `also()`, then exit 0. A
 * second signal, or a shutdown over budget, exits 1 at once.
 */
export function closeOnSignals(
  server: WebServer,
  log: (line: string) => void,
  also: () => Promise<void> = async () => {},
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: closing`);
    setTimeout(() => {
      log(`shutdown took over ${SHUTDOWN_BUDGET_MS} ms: exiting`);
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS).unref();
    server
      .close()
      .then(also)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log(`shutdown failed: ${String(error)}`);
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
