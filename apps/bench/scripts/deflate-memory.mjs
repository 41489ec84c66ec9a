// Server memory per connection for each permessage-deflate setting, on each engine: N idle
// connections that negotiated it, then after each sent one compressed message and got its echo
// (which is when ws and the dedicated compressors allocate their zlib state).
// Bounded: N connections per run (default 2,000), every wait with a deadline.
// Usage: node scripts/deflate-memory.mjs [connections] [engines, e.g. ws,uws,bun]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, deflateRawSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const count = Number(process.argv[2] ?? 2000);
const engines = (process.argv[3] ?? "ws,uws,bun").split(",");
const bun = process.env.BUN ?? "bun";
const SETTINGS = [
  ["off", false],
  ["true (shared)", true],
  ["shared, client takeover", { clientNoContextTakeover: false }],
  ["dedicated 15/8", { compressor: "dedicated" }],
  [
    "dedicated 15/8, no client takeover",
    { compressor: "dedicated", clientNoContextTakeover: true },
  ],
  ["dedicated 10/3", { compressor: "dedicated", serverMaxWindowBits: 10, memLevel: 3 }],
];
const OFFER = "permessage-deflate; client_max_window_bits";
const TEXT = "hello switchboard ".repeat(100);
const compressed = deflateRawSync(Buffer.from(TEXT), { finishFlush: constants.Z_SYNC_FLUSH });
const payload = compressed.subarray(0, compressed.length - 4);

function maskedFrame(rsv1, body) {
  const header = Buffer.from([
    0x81 | (rsv1 ? 0x40 : 0),
    0x80 | 126,
    body.length >> 8,
    body.length & 0xff,
  ]);
  const key = randomBytes(4);
  const masked = Buffer.from(body);
  for (let i = 0; i < masked.length; i++) masked[i] ^= key[i % 4];
  return Buffer.concat([header, key, masked]);
}

const rssOf = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

function open(port, deflate) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const peer = { socket, bytes: 0, head: "" };
    socket.on("error", reject);
    socket.once("connect", () =>
      socket.write(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${deflate ? `Sec-WebSocket-Extensions: ${OFFER}\r\n` : ""}\r\n`,
      ),
    );
    socket.on("data", (chunk) => {
      if (!peer.head) {
        peer.head = String(chunk);
        if (!peer.head.startsWith("HTTP/1.1 101")) reject(new Error(peer.head.slice(0, 60)));
        else resolve(peer);
      } else peer.bytes += chunk.length;
    });
  });
}

async function measure(engine, name, settings) {
  const runtime = engine === "bun" ? bun : process.execPath;
  const child = spawn(
    runtime,
    [join(here, "deflate-memory-server.mjs"), engine, JSON.stringify(settings)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const { pid, port } = await new Promise((resolve, reject) => {
      child.stdout.once("data", (data) => resolve(JSON.parse(String(data))));
      child.once("exit", (code) => reject(new Error(`server exited (${code})`)));
    });
    await sleep(300);
    const base = rssOf(pid);
    const peers = [];
    for (let i = 0; i < count; i += 100) {
      peers.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, count - i) }, () => open(port, settings !== false)),
        )),
      );
    }
    await sleep(500);
    const idle = rssOf(pid);
    const negotiated = /permessage-deflate[^\r]*/.exec(peers[0].head)?.[0] ?? "none";
    const frame = maskedFrame(settings !== false, settings !== false ? payload : Buffer.from(TEXT));
    for (const peer of peers) peer.socket.write(frame);
    await until(() => peers.every((peer) => peer.bytes > 0), 60_000, "every echo");
    await sleep(500);
    const active = rssOf(pid);
    for (const peer of peers) peer.socket.destroy();
    const perConn = (bytes) => `${((bytes - base) / count / 1024).toFixed(1)} KiB`;
    console.log(
      `| ${engine} | ${name} | ${perConn(idle)} | ${perConn(active)} | \`${negotiated}\` |`,
    );
  } finally {
    child.kill();
  }
}

console.log(`${count} connections per run; server RSS growth per connection (KiB)`);
console.log("| engine | perMessageDeflate | idle | after one message each way | negotiated |");
console.log("| --- | --- | --- | --- | --- |");
for (const engine of engines) {
  for (const [name, settings] of SETTINGS) {
    try {
      await measure(engine, name, settings);
    } catch (error) {
      console.log(`| ${engine} | ${name} | – | – | ${String(error.message).split("\n")[0]} |`);
    }
  }
}
