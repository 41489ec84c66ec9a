/**
 * Connect + close: `connections` loops, each opening a connection (WebSocket handshake, plus
 * socket.io's own), closing it with a close frame, and waiting until the server has closed it,
 * then starting over. An operation is one whole open-and-close cycle.
 */
import { dialectFor, openSession } from "./dialect.js";
import { waitUntil } from "./settle.js";
import { emptyChecks, type LoadResult, type LoadRun, type LoadTask } from "./types.js";

export async function startConnect(task: LoadTask): Promise<LoadRun> {
  const dialect = dialectFor(task.dialect);
  const checks = emptyChecks();
  let running = true;
  let started = 0;
  let active = 0;
  let firstError: string | undefined;

  const cycle = async () => {
    while (running && started < task.maxOps) {
      started++;
      active++;
      try {
        await new Promise<void>((resolve, reject) => {
          let opened = false;
          openSession(task.port, dialect, "echo", {
            message() {
              checks.wrong++;
            },
            closed() {
              if (opened) resolve();
            },
          }).then((connection) => {
            opened = true;
            connection.close();
          }, reject);
        });
        checks.ops++;
      } catch (error) {
        checks.failures++;
        firstError ??= `connect: ${(error as Error).message}`;
      } finally {
        active--;
      }
    }
  };

  for (let i = 0; i < task.connections; i++) void cycle();
  const stopTimer = setTimeout(() => {
    running = false;
  }, task.maxMs);

  return {
    mark: () => checks.ops,
    async stop(): Promise<LoadResult> {
      running = false;
      clearTimeout(stopTimer);
      // Each cycle is bounded by the handshake timeout; anything left after that counts as lost.
      await waitUntil(() => active === 0, 12_000);
      checks.lost += active;
      return firstError ? { checks, firstError } : { checks };
    },
  };
}
