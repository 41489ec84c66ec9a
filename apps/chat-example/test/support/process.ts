import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { findBun } from "@switchboard/test-support/bun";
import { hasExited, spawnTracked } from "@switchboard/test-support/children";

/** The built entry points: the tests run exactly what users run. */
export const SERVER_JS = fileURLToPath(new URL("../../dist/server.js", import.meta.url));
export const CLI_JS = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/** The Bun binary, if there is one; the Bun tests are skipped, saying why, when there is none. */
export const BUN: string | undefined = findBun(
  fileURLToPath(new URL("../../../../", import.meta.url)),
);

/** A finished process. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A server child process that printed its URL. */
export interface RunningServer {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT`, as printed. */
  url: string;
  port: number;
  /** `ws://127.0.0.1:PORT/chat`. */
  chatUrl: string;
  exited: Promise<Exit>;
}

const LISTENING = /listening on (http:\/\/\S+)/;
const READY_TIMEOUT_MS = 15_000;

/** Runs `node dist/<script> ...args` to completion, with `input` as stdin. */
export async function runNode(script: string, args: string[], input = ""): Promise<Exit> {
  const child = spawnTracked(process.execPath, [script, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = exitOf(child);
  child.stdin?.end(input);
  return exited;
}

/** Runs the server to completion (for flags that must fail). */
export function runServer(args: string[]): Promise<Exit> {
  return runNode(SERVER_JS, args);
}

/** Starts the server and resolves once it prints the URL it listens on. */
export async function startServer(
  args: string[],
  runtime = process.execPath,
): Promise<RunningServer> {
  const child = spawnTracked(runtime, [SERVER_JS, ...args], {});
  const exited = exitOf(child);
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not listen within ${READY_TIMEOUT_MS} ms: ${stdout}`));
    }, READY_TIMEOUT_MS);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const match = LISTENING.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening: ${exit.stderr}`));
    });
  });
  const port = Number(new URL(url).port);
  return { child, url, port, chatUrl: `ws://127.0.0.1:${port}/chat`, exited };
}

/** Kills a server (or any child) a test left running. */
export async function stopServer(server: { child: ChildProcess } | undefined): Promise<void> {
  if (!server || hasExited(server.child)) return;
  const closed = once(server.child, "close");
  server.child.kill("SIGKILL");
  await closed;
}

/** Collects a child's output until it exits. */
export function exitOf(child: ChildProcess): Promise<Exit> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return once(child, "close").then(([code, signal]) => ({ code, signal, stdout, stderr }));
}
