import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnTracked, stopChild, waitForLine } from "./children.js";

/** A real redis-server, started for tests on 127.0.0.1 with persistence off. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGTERM, then SIGKILL if it lingers; removes its scratch folder. */
  stop(): Promise<void>;
}

const REDIS_SERVER = process.env["REDIS_SERVER"] ?? "redis-server";
const START_TIMEOUT_MS = 10_000;

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Starts redis-server on `port` (default: a free one) and waits until it accepts connections.
 * Fails with instructions when redis-server is not installed: these tests never skip silently.
 */
export async function startRedis(port?: number): Promise<RedisServer> {
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "switchboard-redis-"));
  const args = [
    "--port",
    String(chosen),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
  ];
  const child = spawnTracked(REDIS_SERVER, args, {});
  const spawnFailed = new Promise<never>((_, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === "ENOENT"
            ? `redis-server was not found on PATH: these tests need a real Redis. Install it (Debian/Ubuntu: apt-get install redis-server) or set REDIS_SERVER to its path.`
            : `could not start redis-server: ${error.message}`,
        ),
      );
    });
  });
  try {
    await Promise.race([
      waitForLine(child, /ready to accept connections/i, START_TIMEOUT_MS, "redis-server"),
      spawnFailed,
    ]);
  } catch (error) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    stop: async () => {
      await stopChild(child as ChildProcess);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
