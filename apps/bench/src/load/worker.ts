/**
 * A load process: runs one load against one server, reads its operation counter when the
 * orchestrator marks the measuring window, and reports its checks when told to stop — or stops
 * by itself at the task's time bound, and exits if the orchestrator goes away.
 */
import { startBroadcast } from "./broadcast.js";
import { startConnect } from "./connect.js";
import { startEcho } from "./echo.js";
import { startHttp } from "./http.js";
import { startIdle } from "./idle.js";
import type { FromWorker, LoadKind, LoadRun, LoadTask, ToWorker } from "./types.js";

const starters: Record<LoadKind, (task: LoadTask) => Promise<LoadRun>> = {
  echo: startEcho,
  broadcast: startBroadcast,
  connect: startConnect,
  http: startHttp,
  idle: startIdle,
};

const report = (message: FromWorker) => process.send?.(message);
let run: LoadRun | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping || !run) return;
  stopping = true;
  report({ type: "done", result: await run.stop() });
}

process.on("disconnect", () => process.exit(0));
process.on("message", (message: ToWorker) => {
  if (message.type === "start") {
    starters[message.task.kind](message.task).then(
      (started) => {
        run = started;
        // A last resort: the run ends itself shortly after its time bound even if no stop comes.
        setTimeout(() => void stop(), message.task.maxMs + 1000).unref();
        report({ type: "ready" });
      },
      (error: unknown) =>
        report({ type: "failed", message: String((error as Error)?.message ?? error) }),
    );
  } else if (message.type === "mark") {
    report({ type: "marked", ops: run?.mark() ?? 0 });
  } else if (message.type === "stop") {
    void stop();
  }
});
