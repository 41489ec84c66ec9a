/**
 * Measures a connection storm against the built chat server, once, for the figures in
 * docs/limits-and-security.md (nothing here is asserted): N connections open in batches, stay
 * until all are in, then drop at once, while two readers chat and GET /ping is timed every 100 ms.
 * Prints the WebSocket messages the storm cost (the server's sends), the slowest /ping, how long
 * the joins and the mass disconnect took, and what two ordinary readers went through.
 *
 *   pnpm build && pnpm exec tsx scripts/storm.ts [--backend ws|uws] [--connections 2000]
 *     [--addresses 1|spread] [-- server flags…]
 *
 * `--addresses 1` opens everything from 127.0.0.1 (what one script does; the per-address cap
 * then refuses most of it); `spread` opens 32 per loopback address, 127.0.0.2 onwards.
 */
import { parseArgs } from "node:util";
import { WebSocket } from "ws";
import { startServer } from "../test/support/process.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: "string", default: "ws" },
    connections: { type: "string", default: "2000" },
    addresses: { type: "string", default: "spread" },
  },
});
const TOTAL = Number(values.connections);
const BATCH = 50;
const PER_ADDRESS = 32;
/** Every wait in this script gives up after this long, so a frozen server ends the run too. */
const GIVE_UP_MS = 120_000;

const server = await startServer(["--backend", values.backend, "--port", "0", ...positionals]);
const { url, chatUrl: wsUrl } = server;

let received = 0;
let refused = 0;
const closes = new Map<number, number>();

function connect(localAddress?: string): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, localAddress ? { localAddress } : {});
    ws.on("message", () => received++);
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", () => {
      refused++;
      resolve(undefined);
    });
    ws.on("error", () => resolve(undefined));
  });
}

/** The k-th loopback address from 127.0.0.2 on (all of 127.0.0.0/8 is lo on Linux). */
const loopback = (k: number) => `127.0.${Math.floor(k / 250)}.${2 + (k % 250)}`;

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > GIVE_UP_MS) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

// Two ordinary readers who chat once a second all along.
const readers = await Promise.all([connect(), connect()]);
for (const reader of readers)
  reader?.on("close", (code) => closes.set(code, (closes.get(code) ?? 0) + 1));
let heardByReader = 0;
readers[1]?.on("message", (data) => {
  if (String(data).startsWith("user_1: ")) heardByReader++;
});
let said = 0;
const chatting = setInterval(() => {
  said++;
  readers[0]?.send(`line ${said}`);
}, 1000);

let slowestPing = 0;
let pinging = true;
const pings = (async () => {
  while (pinging) {
    const started = performance.now();
    await fetch(`${url}/ping`).then((response) => response.text());
    slowestPing = Math.max(slowestPing, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
})();
const clients = async () => Number(await (await fetch(`${url}/clients`)).text());

const before = received;
const started = performance.now();
const storm: WebSocket[] = [];
for (let n = 0; n < TOTAL; n += BATCH) {
  const batch = Array.from({ length: Math.min(BATCH, TOTAL - n) }, (_, i) =>
    connect(values.addresses === "1" ? undefined : loopback(Math.floor((n + i) / PER_ADDRESS))),
  );
  for (const ws of await Promise.all(batch)) if (ws) storm.push(ws);
}
const opened = performance.now() - started;
await until(async () => (await clients()) === storm.length + 2, "the joins to be in");
const joinSends = received - before;
const pingDuringJoins = slowestPing;

slowestPing = 0;
const leaving = performance.now();
for (const ws of storm) ws.terminate();
await until(async () => (await clients()) === 2, "the storm to leave");
const left = performance.now() - leaving;
// Summaries come at most a second later.
await new Promise((resolve) => setTimeout(resolve, 1500));
pinging = false;
await pings;
clearInterval(chatting);

console.log(
  JSON.stringify(
    {
      backend: values.backend,
      flags: positionals.join(" ") || "(defaults)",
      addresses: values.addresses,
      attempted: TOTAL,
      admitted: storm.length,
      refused,
      joinsOpenedInMs: Math.round(opened),
      sendsDuringJoins: joinSends,
      slowestPingDuringJoinsMs: Math.round(pingDuringJoins),
      massDisconnectMs: Math.round(left),
      slowestPingDuringDisconnectMs: Math.round(slowestPing),
      sendsInAll: received - before,
      readerLinesSaid: said,
      readerLinesHeard: heardByReader,
      readersClosed: Object.fromEntries(closes),
    },
    null,
    2,
  ),
);
for (const reader of readers) reader?.terminate();
server.child.kill("SIGTERM");
