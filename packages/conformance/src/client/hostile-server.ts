import { createHash } from "node:crypto";
import { createServer, type Socket } from "node:net";
import type { HostileFrame, HostileScript, HostileState } from "./hostile.js";

/** A hostile server in the control server's process: `state()` for the tests, `close()` to free it. */
export interface HostileServer {
  port: number;
  state(): HostileState;
  close(): Promise<void>;
}

// RFC 6455 section 1.3.
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** Client frames are masked and at most this big in the suite; larger ones are left unparsed. */
const MAX_CLIENT_FRAME = 1 << 20;

/**
 * A WebSocket server on a bare TCP socket that answers each upgrade and then sends exactly what
 * its script says, byte for byte: what no Switchboard server (or engine) would send, so that a
 * client's reaction to it can be tested. Loopback only; every connection is destroyed by `close`.
 */
export async function hostileServer(script: HostileScript): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const state: HostileState = { upgrades: 0, received: [], closes: [] };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    let replies = 0;
    const current = (state.upgrades > 0 && script.later) || script;
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString("latin1");
        buffer = buffer.subarray(end + 4);
        upgraded = true;
        state.upgrades++;
        // Status 0: accept the TCP connection and never answer the upgrade.
        if (current.status !== 0) answer(socket, head, current);
      }
      for (let frame = readFrame(buffer); frame; frame = readFrame(buffer)) {
        buffer = buffer.subarray(frame.size);
        if (frame.opcode === 8) {
          const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
          state.closes.push(code);
          if (current.answerClose !== false) {
            socket.end(
              encode({ opcode: 8, base64: frame.payload.subarray(0, 2).toString("base64") }),
            );
          }
          continue;
        }
        if (frame.opcode !== 1 && frame.opcode !== 2) continue;
        state.received.push(frame.payload.toString());
        const group = current.replies?.[replies++];
        if (group) send(socket, group);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    state: () => state,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes the handshake answer and what follows it. */
function answer(socket: Socket, head: string, script: HostileScript): void {
  const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? "";
  const offered = /^sec-websocket-protocol:\s*(.*)$/im.exec(head)?.[1]?.split(/\s*,\s*/) ?? [];
  const status = script.status ?? 101;
  const lines = [`HTTP/1.1 ${status} ${status === 101 ? "Switching Protocols" : "Hostile"}`];
  if (status === 101) {
    lines.push("Upgrade: websocket", "Connection: Upgrade");
    const digest = createHash("sha1")
      .update(key + GUID)
      .digest("base64");
    const accept = script.accept ?? "right";
    if (accept !== "none") {
      // The wrong one differs in its first character; one digest in 64 starts with "x" itself.
      const wrong = `${digest.startsWith("x") ? "y" : "x"}${digest.slice(1)}`;
      lines.push(`Sec-WebSocket-Accept: ${accept === "right" ? digest : wrong}`);
    }
    const protocol = script.protocol ?? "first";
    const picked = protocol === "first" ? offered[0] : protocol === "none" ? undefined : protocol;
    if (picked) lines.push(`Sec-WebSocket-Protocol: ${picked}`);
  } else {
    lines.push("Content-Length: 0", "Connection: close");
  }
  for (const [name, value] of Object.entries(script.headers ?? {})) lines.push(`${name}: ${value}`);
  socket.write(Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"));
  send(socket, script.frames ?? []);
  if (status !== 101 || script.after === "end") socket.end();
  else if (script.after === "drop") socket.destroy();
}

/** Writes `frames` in one go, up to a `drop`, which destroys the socket there. */
function send(socket: Socket, frames: HostileFrame[]): void {
  const drop = frames.findIndex((frame) => frame.drop);
  const sent = drop < 0 ? frames : frames.slice(0, drop);
  if (sent.length) socket.write(Buffer.concat(sent.map(encode)));
  if (drop >= 0) socket.destroySoon();
}

/** A server frame (unmasked), byte for byte as the script describes it. */
function encode(spec: HostileFrame): Buffer {
  const one =
    spec.fill !== undefined
      ? Buffer.alloc(spec.size ?? 0, spec.fill)
      : spec.base64 !== undefined
        ? Buffer.from(spec.base64, "base64")
        : Buffer.from(spec.text ?? "");
  const length = spec.announce !== undefined ? BigInt(spec.announce) : BigInt(one.length);
  const first = (spec.fin === false ? 0 : 0x80) | ((spec.rsv ?? 0) << 4) | (spec.opcode ?? 1);
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, Number(length)]);
  else if (length < 65536n) {
    header = Buffer.from([first, 126, 0, 0]);
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt.asUintN(64, length), 2);
  }
  const frame = Buffer.concat([header, one]);
  return spec.repeat ? Buffer.concat(Array.from({ length: spec.repeat }, () => frame)) : frame;
}

/** One complete masked client frame at the start of `bytes`, unmasked, or undefined. */
function readFrame(bytes: Buffer): { opcode: number; payload: Buffer; size: number } | undefined {
  if (bytes.length < 2) return undefined;
  let length = (bytes[1] as number) & 0x7f;
  let start = 2;
  if (length === 126) {
    if (bytes.length < 4) return undefined;
    length = bytes.readUInt16BE(2);
    start = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return undefined;
    length = Math.min(Number(bytes.readBigUInt64BE(2)), MAX_CLIENT_FRAME);
    start = 10;
  }
  const masked = ((bytes[1] as number) & 0x80) !== 0;
  const body = start + (masked ? 4 : 0);
  if (bytes.length < body + length) return undefined;
  const payload = Buffer.from(bytes.subarray(body, body + length));
  if (masked) for (let i = 0; i < length; i++) payload[i]! ^= bytes[start + (i % 4)] as number;
  return { opcode: (bytes[0] as number) & 0x0f, payload, size: body + length };
}
