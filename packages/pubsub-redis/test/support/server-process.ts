import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { findBun, INSTALL_BUN } from "@switchboard/test-support/bun";
import { spawnTracked, stopChild, waitForLine } from "@switchboard/test-support/children";
import type { BackendName } from "../fixtures/backend.js";

/** A Switchboard server with the Redis adapter, running in its own process. */
export interface ServerProcess {
  readonly backend: string;
  readonly port: number;
  readonly pid: number;
  /** The process's Redis node id. */
  readonly nodeId: string;
  /** What the process wrote to stderr so far (its `onError` reports). */
  stderr(): string;
  http(path: string): Promise<string>;
  stats(): Promise<ServerStatsView>;
  wsUrl(path: string): string;
  stop(): Promise<void>;
}

/** What the fixture's GET /stats returns. */
export interface ServerStatsView {
  connected: boolean;
  clients: number;
  published: number;
  dropped: number;
  unconfirmed: number;
  received: number;
  malformed: number;
  disconnects: number;
}

const FIXTURE = fileURLToPath(new URL("../fixtures/node-server.ts", import.meta.url));

/** Another fixture under `test/fixtures/`, with its extra arguments. */
export interface FixtureChoice {
  fixture?: string;
  args?: string[];
}
const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));

/** Bun, for the `bun` backend's processes; undefined when it is not installed here. */
export const bunBinary = findBun(fileURLToPath(new URL("../../../..", import.meta.url)));
/** Why the `bun` backend cannot run here, for skip reasons; undefined when it can. */
export const bunMissing = bunBinary ? undefined : `Bun is not installed (${INSTALL_BUN})`;

/** Node runs a TypeScript fixture through tsx; Bun runs it as it is. */
function command(backend: BackendName, fixture: string): [string, string[]] {
  if (backend !== "bun") return [process.execPath, ["--import", "tsx", fixture]];
  if (!bunBinary) throw new Error(`the bun backend needs Bun: ${bunMissing}`);
  return [bunBinary, [fixture]];
}

/** Starts `test/fixtures/node-server.ts` on the given backend, connected to `redisUrl`. */
export async function startServerProcess(
  backend: BackendName,
  redisUrl: string,
  choice: FixtureChoice = {},
): Promise<ServerProcess> {
  const fixture = choice.fixture
    ? fileURLToPath(new URL(`../fixtures/${choice.fixture}`, import.meta.url))
    : FIXTURE;
  const [runtime, args] = command(backend, fixture);
  const child: ChildProcess = spawnTracked(
    runtime,
    [...args, backend, redisUrl, ...(choice.args ?? [])],
    { cwd: PACKAGE_DIR },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let line: string;
  try {
    line = await waitForLine(child, /^\{"port":\d+[,}]/, 20_000, `${backend} server process`);
  } catch (error) {
    await stopChild(child);
    throw new Error(`${(error as Error).message}\nstderr:\n${stderr}`);
  }
  const { port, nodeId = "" } = JSON.parse(line) as { port: number; nodeId?: string };
  const http = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${path} on ${backend}: ${response.status} ${body}`);
    return body;
  };
  return {
    backend,
    port,
    pid: child.pid!,
    nodeId,
    stderr: () => stderr,
    http,
    stats: async () => JSON.parse(await http("/stats")) as ServerStatsView,
    wsUrl: (path) => `ws://127.0.0.1:${port}${path}`,
    stop: () => stopChild(child),
  };
}
