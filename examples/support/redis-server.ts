// A real redis-server for the scale-out sample's test: 127.0.0.1, a free port, no persistence.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  readonly url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(),
      );
    });
  });
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "switchboard-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  const child: ChildProcess = spawn(process.env["REDIS_SERVER"] ?? "redis-server", [
    ...args,
    "--dir",
    dir,
  ]);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("redis-server did not start in 10 s")),
        10_000,
      );
      let output = "";
      child.stdout?.on("data", (chunk) => {
        output += chunk;
        if (/ready to accept connections/i.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(
          new Error(
            `redis-server could not start (apt-get install redis-server): ${error.message}`,
          ),
        );
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/** How many connections subscribe `channel` (PUBSUB NUMSUB, over a raw connection). */
export function subscriberCount(url: string, channel: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let reply = "";
    socket.on("data", (chunk) => {
      reply += chunk;
      const match = /:(\d+)\r\n$/.exec(reply);
      if (match) {
        socket.end();
        resolve(Number(match[1]));
      }
    });
    socket.once("error", reject);
    socket.write(`PUBSUB NUMSUB ${channel}\r\n`);
  });
}
