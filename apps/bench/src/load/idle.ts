/**
 * Idle connections: opens `connections` WebSocket connections (with socket.io's handshake where
 * it applies) and keeps them open and silent, so the orchestrator can read the server's memory.
 */
import { dialectFor, openSession } from "./dialect.js";
import { inBatches } from "./settle.js";
import { emptyChecks, type LoadResult, type LoadRun, type LoadTask } from "./types.js";

export async function startIdle(task: LoadTask): Promise<LoadRun> {
  const dialect = dialectFor(task.dialect);
  const checks = emptyChecks();
  let holding = true;
  const connections = await inBatches(Math.min(task.connections, task.maxOps), 100, () =>
    openSession(task.port, dialect, "echo", {
      message() {
        checks.wrong++;
      },
      closed() {
        if (holding) checks.failures++;
      },
    }),
  );
  checks.ops = connections.length;
  // Never hold the server's connections longer than the time bound.
  const stopTimer = setTimeout(() => {
    holding = false;
    for (const connection of connections) connection.socket.destroy();
  }, task.maxMs);
  return {
    mark: () => checks.ops,
    async stop(): Promise<LoadResult> {
      clearTimeout(stopTimer);
      holding = false;
      for (const connection of connections) {
        checks.violations += connection.violations;
        connection.socket.destroy();
      }
      return { checks };
    },
  };
}
