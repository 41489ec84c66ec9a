import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";

/**
 * The peers, in a process of their own (so their sockets do not count against the server's
 * limit): opens up to `count` WebSockets one after the other, each given `waitMs` to be
 * answered, and reports how each went; on "free" closes `free` of them and tries once more.
 */
const PEERS = `
const net = require("node:net");
const [port, count, waitMs, free] = process.env.PEERS.split(" ").map(Number);
const request = "GET / HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: Upgrade\\r\\nUpgrade: websocket\\r\\nSec-WebSocket-Version: 13\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\n\\r\\n";
const open = [];
function attempt() {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    const done = (outcome) => { clearTimeout(timer); if (outcome !== "open") socket.destroy(); else open.push(socket); resolve(outcome); };
    const timer = setTimeout(() => done("unanswered"), waitMs);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => { answer += chunk; if (answer.startsWith("HTTP/1.1 101")) done("open"); });
    socket.on("error", () => done("refused"));
    socket.on("close", () => done("refused"));
  });
}
(async () => {
  const outcomes = { open: 0, refused: 0, unanswered: 0 };
  for (let i = 0; i < count && outcomes.unanswered < 3; i++) outcomes[await attempt()]++;
  console.log(JSON.stringify(outcomes));
  process.stdin.once("data", async () => {
    for (const socket of open.splice(0, free)) socket.destroy();
    await new Promise((r) => setTimeout(r, 1500));
    console.log(JSON.stringify({ after: await attempt() }));
    for (const socket of open) socket.destroy();
    process.exit(0);
  });
})();
`;

/** The soft and hard descriptor limits of this process, as prlimit reports them. */
function descriptorLimits(): [soft: string, hard: string] {
  const out = execFileSync("prlimit", [
    "--pid",
    String(process.pid),
    "--nofile",
    "--raw",
    "-o",
    "SOFT,HARD",
    "--noheadings",
  ]);
  const [soft, hard] = String(out).trim().split(/\s+/);
  return [soft as string, hard as string];
}

function setSoftLimit(soft: string, hard: string): void {
  execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${soft}:${hard}`]);
}

/** Running out of file descriptors: the engine refuses new clients and keeps serving the rest. */
export function descriptorCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("file descriptors", () => {
    it("out of file descriptors, refuses new clients at once, idles, keeps serving, and recovers", async () => {
      expect(
        existsSync("/proc/self/fd") && existsSync("/usr/bin/prlimit"),
        "this case needs Linux's /proc and prlimit (util-linux)",
      ).toBe(true);
      const { server, address } = await ctx.start(
        (backend) => new WebServer({ backend, heartbeatIntervalMs: 0 }),
      );
      const [soft, hard] = descriptorLimits();
      const headroom = 40;
      const peers = spawn(process.execPath, ["-e", PEERS], {
        stdio: ["pipe", "pipe", "inherit"],
        env: { ...process.env, PEERS: `${address.port} 80 1500 20` },
      });
      const lines = createInterface({ input: peers.stdout as NonNullable<typeof peers.stdout> });
      const reports: Record<string, unknown>[] = [];
      lines.on("line", (line) => reports.push(JSON.parse(line)));
      // The child has started (its own descriptors are its own): now leave the server 40.
      setSoftLimit(String(readdirSync("/proc/self/fd").length + headroom), hard);
      try {
        await eventually(() => reports.length === 1, 60_000, "the peers' first report");
        const first = reports[0] as { open: number; refused: number; unanswered: number };
        const cpuBefore = process.cpuUsage();
        const wallBefore = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const cpu = process.cpuUsage(cpuBefore);
        const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore);
        console.log(
          `[${ctx.backend().name}] ${headroom} descriptors left: ${first.open} open, ${first.refused} refused, ${first.unanswered} unanswered; CPU while full ${(cpuShare * 100).toFixed(0)}% of a core`,
        );
        expect(first.open).toBeGreaterThan(0);
        expect(first.open).toBeLessThan(80);
        // Refused at once, not left waiting in the backlog.
        expect(first.unanswered).toBe(0);
        expect(first.refused).toBe(80 - first.open);
        // Idle, not retrying accept on every turn of the event loop (a spinning engine: ~100%).
        expect(cpuShare).toBeLessThan(0.5);
        expect(server.clientCount).toBe(first.open);
        // With the limit still in force: once some clients leave, new ones are served again.
        peers.stdin?.write("free\n");
        await eventually(() => reports.length === 2, 20_000, "the peers' second report");
        expect(reports[1]).toEqual({ after: "open" });
      } finally {
        setSoftLimit(soft, hard);
        peers.kill();
      }
    }, 90_000);
  });
}
