import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

const running = new Set<ChildProcess>();

// Whatever happens to the test process, its children go with it.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Spawns a child process that is killed when the test process exits, whatever happens. stdout and
 * stderr are piped; stdin is ignored unless `options.stdio` says otherwise.
 */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
  running.add(child);
  child.once("exit", () => running.delete(child));
  child.once("error", () => running.delete(child));
  return child;
}

/** True once the child has exited. */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), graceMs);
  });
  if ((await Promise.race([exited, grace])) === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
  clearTimeout(timer);
}

/**
 * Resolves with the first stdout line matching `pattern`, or rejects when the child exits or
 * `timeoutMs` passes first. Output seen so far is kept in the error message.
 */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  what: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const line = seen.split("\n").find((candidate) => pattern.test(candidate));
      if (line !== undefined) finish(() => resolve(line));
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(() =>
        reject(
          new Error(
            `${what} exited (code ${code}, signal ${signal}) before it was ready:\n${seen}`,
          ),
        ),
      );
    const timer = setTimeout(
      () =>
        finish(() => reject(new Error(`${what} was not ready within ${timeoutMs} ms:\n${seen}`))),
      timeoutMs,
    );
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      settle();
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}
