/**
 * Measures one spammer against the built chat server, once, for the figures in
 * docs/limits-and-security.md (nothing here is asserted): five ordinary readers join, then one
 * client sends `--size`-byte messages flat out (up to `--count` of them, or for 10 s) while
 * reading its own echoes: paced by its socket buffer, or with `--burst` all queued at once.
 * Prints how each connection ended and what the readers received.
 *
 *   pnpm build && pnpm exec tsx scripts/spam.ts [--backend ws|uws] [--size 60000] [--count 5000] [--burst]
 *     [-- server flags…]
 */
import { parseArgs } from "node:util";
import { WebSocket } from "ws";
import { startServer } from "../test/support/process.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: "string", default: "ws" },
    size: { type: "string", default: "60000" },
    count: { type: "string", default: "5000" },
    burst: { type: "boolean", default: false },
  },
});
const READERS = 5;
const RUN_MS = 10_000;

const server = await startServer(["--backend", values.backend, "--port", "0", ...positionals]);
const { url, chatUrl: wsUrl } = server;

interface Peer {
  ws: WebSocket;
  received: number;
  closed?: { code: number; afterMs: number };
}
let started = 0;
const open = () =>
  new Promise<Peer>((resolve, reject) => {
    const peer: Peer = { ws: new WebSocket(wsUrl, { maxPayload: 1 << 30 }), received: 0 };
    peer.ws.on("message", () => peer.received++);
    peer.ws.on("close", (code) => {
      peer.closed = { code, afterMs: Math.round(performance.now() - started) };
    });
    peer.ws.once("open", () => resolve(peer));
    peer.ws.once("error", reject);
  });

const readers = await Promise.all(Array.from({ length: READERS }, open));
const spammer = await open();
const message = "x".repeat(Number(values.size));
started = performance.now();
let sent = 0;
// Flat out, but through the socket's buffer: a send only when ws has flushed the previous ones.
while (sent < Number(values.count) && !spammer.closed && performance.now() - started < RUN_MS) {
  if (values.burst || spammer.ws.bufferedAmount < 1 << 20) {
    spammer.ws.send(message);
    sent++;
  } else await new Promise((resolve) => setImmediate(resolve));
}
// Closes queued behind a full buffer take a while to arrive.
await new Promise((resolve) => setTimeout(resolve, 3000));
const ping = await fetch(`${url}/ping`).then((response) => response.text());
console.log(
  JSON.stringify(
    {
      backend: values.backend,
      flags: positionals.join(" ") || "(defaults)",
      size: Number(values.size),
      spammerSent: sent,
      spammerEchoes: spammer.received - 1,
      spammerClosed: spammer.closed ?? "still open",
      readersReceived: readers.map((reader) => reader.received),
      readersClosed: readers.map((reader) => reader.closed ?? "still open"),
      ping,
    },
    null,
    2,
  ),
);
for (const peer of [...readers, spammer]) peer.ws.terminate();
server.child.kill("SIGTERM");
