import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** The built entry point: the test runs exactly what users run. */
export const SERVER_JS = fileURLToPath(new URL("../../dist/server.js", import.meta.url));

/** A finished process. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A server child process that printed its URL. */
export interface RunningServer {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT`, as printed. */
  url: string;
  exited: Promise<Exit>;
}

const LISTENING = /listening on (http:\/\/\S+?),? /;

/** Runs `node dist/server.js ...args` to completion (for flags that must fail). */
export function runServer(args: string[]): Promise<Exit> {
  return exitOf(
    spawn(process.execPath, [SERVER_JS, ...args], { stdio: ["ignore", "pipe", "pipe"] }),
  );
}

/** Starts the server and resolves once it prints the URL it listens on. */
export async function startServer(args: string[]): Promise<RunningServer> {
  const child = spawn(process.execPath, [SERVER_JS, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = exitOf(child);
  let stdout = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const match = LISTENING.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    exited.then((exit) => reject(new Error(`server exited before listening: ${exit.stderr}`)));
  });
  return { child, url, exited };
}

/** Kills a server a test left running. */
export async function stopServer(server: RunningServer | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill("SIGKILL");
  await server.exited;
}

function exitOf(child: ChildProcess): Promise<Exit> {
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return once(child, "close").then(([code, signal]) => ({ code, signal, stderr }));
}
