// A deliberately slow WebSocket client, run as its own process so the server's memory is its own.
// Reads `url`, pauses its socket for a moment after every MiB, checks the sequence numbers, and
// prints one JSON line: { bytes, messages, inOrder, closeCode }.
import { WebSocket } from "ws";

const [url, pauseMs = "2"] = process.argv.slice(2);
if (!url) throw new Error("usage: slow-reader <url> [pauseMsPerMiB]");
const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
let bytes = 0;
let messages = 0;
let inOrder = true;
let sinceLastPause = 0;
ws.on("message", (data: Buffer) => {
  if (data.readUInt32BE(0) !== messages) inOrder = false;
  messages++;
  bytes += data.length;
  sinceLastPause += data.length;
  if (sinceLastPause >= 1024 * 1024) {
    sinceLastPause = 0;
    const socket = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    setTimeout(() => socket.resume(), Number(pauseMs));
  }
});
ws.on("close", (closeCode) => {
  console.log(JSON.stringify({ bytes, messages, inOrder, closeCode }));
});
ws.on("error", (error) => {
  console.error(error.message);
});
