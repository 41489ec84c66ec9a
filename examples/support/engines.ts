import { uwsBackend } from "@switchboard/server-uws";

/** Why the uWS samples cannot run here (no uWebSockets.js build for this Node.js), if they cannot. */
export const uwsUnavailable: string | undefined = (() => {
  try {
    uwsBackend();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
})();

/** Whether a sample on `engine` ("ws", "uws", "uws-…") runs here. */
export const runs = (engine: string): boolean =>
  !engine.startsWith("uws") || uwsUnavailable === undefined;

/** A test title, with the reason it is skipped when it cannot run here. */
export const titled = (title: string, engine: string): string =>
  runs(engine) ? title : `${title} (skipped: ${uwsUnavailable})`;
