/**
 * Streams a large generated "file" to a deliberately slow client, and reports the server's peak
 * memory. With `await channel.drain()` memory stays flat whatever the size; without it, the
 * channel's buffer grows until `maxBufferedBytes` closes the connection (1008).
 *
 *   pnpm --filter @switchboard/examples stream -- --backend uws --mib 1024
 *   pnpm --filter @switchboard/examples stream -- --backend ws --mib 1024 --no-drain
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Channel, WebServer } from "@switchboard/core";
import { backendNamed } from "./support/backends.js";

const CHUNK = 64 * 1024;

class FileServer extends WebServer {
  constructor(
    backend: string,
    readonly mib: number,
    readonly useDrain: boolean,
    maxBufferedBytes: number,
  ) {
    super({ backend: backendNamed(backend), maxBufferedBytes, onError: () => {} });
  }

  override async onWsOpen(channel: Channel) {
    const chunk = new Uint8Array(CHUNK);
    const view = new DataView(chunk.buffer);
    const total = (this.mib * 1024 * 1024) / CHUNK;
    for (let i = 0; i < total && channel.isOpen; i++) {
      view.setUint32(0, i);
      if (this.useDrain) {
        if (!channel.send(chunk)) await channel.drain();
      } else {
        channel.send(chunk);
        // Yield now and then so the engine can write; nothing waits for the reader.
        if (i % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (channel.isOpen) channel.close(1000, "done");
  }
}

export interface StreamReport {
  backend: string;
  drain: boolean;
  mib: number;
  received: { bytes: number; messages: number; inOrder: boolean; closeCode: number };
  peakRssMiB: number;
  baselineRssMiB: number;
}

/** Runs one stream and returns what the client got and the server's peak RSS. */
export async function streamOnce(options: {
  backend: string;
  mib: number;
  drain: boolean;
  maxBufferedBytes?: number;
}): Promise<StreamReport> {
  const { backend, mib, drain, maxBufferedBytes = 16 * 1024 * 1024 } = options;
  const server = new FileServer(backend, mib, drain, maxBufferedBytes);
  const { port } = await server.listen({ port: 0, host: "127.0.0.1" });
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const reader = fileURLToPath(new URL("./support/slow-reader.ts", import.meta.url));
    const child = spawn(
      process.execPath,
      ["--import", "tsx", reader, `ws://127.0.0.1:${port}/file`],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    await new Promise((resolve) => child.on("exit", resolve));
    const received = JSON.parse(output.trim().split("\n").pop() ?? "{}");
    const toMiB = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return {
      backend,
      drain,
      mib,
      received,
      peakRssMiB: toMiB(peak),
      baselineRssMiB: toMiB(baseline),
    };
  } finally {
    clearInterval(sampler);
    await server.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: "string", default: "ws" },
      mib: { type: "string", default: "1024" },
      "no-drain": { type: "boolean", default: false },
      "max-buffered-mib": { type: "string", default: "16" },
    },
  });
  const mib = Number(values.mib);
  if (!Number.isInteger(mib) || mib <= 0) throw new Error("--mib must be a positive integer");
  const report = await streamOnce({
    backend: values.backend,
    mib,
    drain: !values["no-drain"],
    maxBufferedBytes: Number(values["max-buffered-mib"]) * 1024 * 1024,
  });
  console.log(JSON.stringify(report));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  });
}
