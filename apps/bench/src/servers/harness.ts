/**
 * What every benchmark server process shares: report the bound port to the parent, collect
 * garbage on request (so memory readings compare live data, not GC timing), and exit as soon as
 * the parent is gone so no server outlives a run.
 */

/** Messages from the parent. */
export type ServerCommand = { type: "gc" } | { type: "exit" };

/** Messages to the parent. */
export type ServerReport = { type: "ready"; port: number } | { type: "gc-done" };

export const BROADCAST_PATH = "/broadcast";

/** The echo and broadcast behaviour every server implements, as paths clients connect to. */
export function isBroadcastUrl(url: string): boolean {
  return url.startsWith(BROADCAST_PATH);
}

export function serve(start: () => Promise<number>): void {
  const send = (report: ServerReport) => process.send?.(report);
  process.on("disconnect", () => process.exit(0));
  process.on("SIGTERM", () => process.exit(0));
  process.on("message", (command: ServerCommand) => {
    if (command.type === "exit") process.exit(0);
    if (command.type === "gc") {
      // Node with --expose-gc has `gc`; Bun has `Bun.gc`.
      const { gc, Bun } = globalThis as { gc?: () => void; Bun?: { gc(sync: boolean): void } };
      if (gc) gc();
      else Bun?.gc(true);
      send({ type: "gc-done" });
    }
  });
  start().then(
    (port) => send({ type: "ready", port }),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
