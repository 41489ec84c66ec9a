import { deflateRawSync, constants as zlib } from "node:zlib";
import { WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { frame } from "../support/frames.js";
import { RawSocket } from "../support/raw-socket.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const BINARY = 2;
const TEXT = 1;
const CONTINUATION = 0;
const PING = 9;
const PONG = 10;

/** A server that records what reaches it and how its channels closed. */
function recordingServer(ctx: SuiteContext, options: Record<string, unknown> = {}) {
  const delivered: Uint8Array[] = [];
  const closes: number[] = [];
  const started = ctx.start(
    (backend) =>
      new WebServer({
        backend,
        // A peer answering every ping looks the same to the heartbeat as this: it is no defence.
        heartbeatIntervalMs: 0,
        onWsMessageFrame(_channel, data) {
          delivered.push(data);
        },
        onWsClose(_channel, code) {
          closes.push(code);
        },
        onError: () => {},
        ...options,
      }),
  );
  return { started, delivered, closes };
}

/** A frame header (masked, no payload yet) announcing `length` bytes. */
function header(opcode: number, fin: boolean, length: number): Buffer {
  return frame({ opcode, fin, announcedLength: BigInt(length) }).subarray(0, 14);
}

/** Zero bytes, `length` of them, sent in pieces of one reused buffer so the sender holds little. */
function writeZeros(raw: RawSocket, length: number): void {
  const chunk = Buffer.alloc(Math.min(length, MiB));
  for (let sent = 0; sent < length; sent += chunk.length) {
    raw.write(chunk.subarray(0, Math.min(chunk.length, length - sent)));
  }
}

/** `message` as masked frames of `size` bytes each (Autobahn 9.3 / 9.4 shapes). */
function fragmented(opcode: number, message: Buffer, size: number): Buffer {
  const frames: Buffer[] = [];
  for (let offset = 0; offset < message.length; offset += size) {
    const end = Math.min(message.length, offset + size);
    frames.push(
      frame({
        opcode: offset === 0 ? opcode : CONTINUATION,
        fin: end === message.length,
        payload: message.subarray(offset, end),
      }),
    );
  }
  return Buffer.concat(frames);
}

/**
 * What an unfinished or oversize message may cost, fragments and pings: the same bound on every
 * engine, with memory measured (RSS of this process, where the server runs).
 */
export function messageBoundCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("message bounds", () => {
    it("unfinished messages hold at most maxMessageBytes per connection, and a fragment past it ends the connection", async () => {
      const maxMessageBytes = 1 * MiB;
      const { started, delivered, closes } = recordingServer(ctx, { maxMessageBytes });
      const { server, address } = await started;
      const count = 20;
      const rssBefore = process.memoryUsage().rss;
      // Each peer announces a 16 MiB message in its first fragment and sends 15 MiB of it.
      const greedy: RawSocket[] = [];
      for (let i = 0; i < count; i++) {
        const raw = await RawSocket.open(address.port);
        raw.write(header(BINARY, false, 16 * MiB));
        writeZeros(raw, 15 * MiB);
        greedy.push(raw);
      }
      for (const raw of greedy) {
        expect((await raw.outcome(10_000)).ended).toBe(true);
      }
      // Each peer sends a first fragment just under the limit and keeps the message open.
      const patient: RawSocket[] = [];
      for (let i = 0; i < count; i++) {
        const raw = await RawSocket.open(address.port);
        raw.write(header(BINARY, false, maxMessageBytes - 1));
        writeZeros(raw, maxMessageBytes - 1);
        patient.push(raw);
      }
      await eventually(() => server.clientCount === count, 10_000, "the patient peers to stay");
      await new Promise((resolve) => setTimeout(resolve, 500));
      const rssGrowth = process.memoryUsage().rss - rssBefore;
      // The bound: maxMessageBytes per connection (three times: the engine's buffer, its copy as it joins, the allocator's slack),
      // plus a fixed allowance for the engine's own buffers.
      const bound = count * maxMessageBytes * 3 + 48 * MiB;
      console.log(
        `[${ctx.backend().name}] ${count} × 16 MiB announced, then ${count} × ${maxMessageBytes - 1} B held: RSS growth ${(rssGrowth / MiB).toFixed(1)} MiB (bound ${(bound / MiB).toFixed(0)} MiB)`,
      );
      expect(rssGrowth).toBeLessThan(bound);
      // Two more bytes in a continuation take every message past the limit.
      for (const raw of patient) raw.write(frame({ opcode: CONTINUATION, payload: "xx" }));
      for (const raw of patient) expect((await raw.outcome(10_000)).ended).toBe(true);
      await eventually(() => server.clientCount === 0, 10_000, "every channel to close");
      expect(delivered).toEqual([]);
      expect(closes.filter((code) => code === 1009 || code === 1006)).toHaveLength(2 * count);
    }, 120_000);

    for (const [kind, size] of [
      ["text", 64],
      ["binary", 64],
      ["text", 256],
      ["binary", 256],
    ] as const) {
      it(`delivers 4 MiB sent as ${kind} in ${size}-byte fragments whole (Autobahn 9.3 / 9.4)`, async () => {
        const { started, delivered } = recordingServer(ctx, { maxMessageBytes: 4 * MiB });
        const { address } = await started;
        const message = Buffer.alloc(4 * MiB);
        for (let i = 0; i < message.length; i++) message[i] = 0x20 + (i % 95);
        const raw = await RawSocket.open(address.port);
        raw.write(fragmented(kind === "text" ? TEXT : BINARY, message, size));
        // A server that refuses the message ends the connection: fail then, not at the timeout.
        await eventually(() => delivered.length === 1 || raw.ended, 20_000, "the whole message");
        expect(raw.ended, "the server ended the connection").toBe(false);
        expect(Buffer.from(delivered[0] as Uint8Array).equals(message)).toBe(true);
        raw.destroy();
      }, 60_000);
    }

    it("ends a fragmented message that grows past maxMessageBytes and delivers none of it", async () => {
      const { started, delivered, closes } = recordingServer(ctx, { maxMessageBytes: 1 * MiB });
      const { server, address } = await started;
      const raw = await RawSocket.open(address.port);
      const part = Buffer.alloc(600 * KiB, 0x61);
      raw.write(frame({ opcode: BINARY, fin: false, payload: part }));
      raw.write(frame({ opcode: CONTINUATION, fin: true, payload: part }));
      const outcome = await raw.outcome(10_000);
      expect(outcome.ended).toBe(true);
      // ws and Bun send 1009; uWebSockets.js drops the connection.
      if (outcome.closeCode !== undefined) expect(outcome.closeCode).toBe(1009);
      await eventually(() => server.clientCount === 0, 10_000, "the channel to close");
      expect(delivered).toEqual([]);
      expect(closes).toHaveLength(1);
    });

    it("answers 100 pings sent in one burst, each with its own payload", async () => {
      const { started } = recordingServer(ctx);
      const { address } = await started;
      const raw = await RawSocket.open(address.port);
      const pings = Array.from({ length: 100 }, (_, i) =>
        frame({ opcode: PING, payload: `ping ${i}` }),
      );
      raw.write(Buffer.concat(pings));
      const pongs = () => raw.frames().filter((f) => f.opcode === PONG);
      await raw.waitFor(() => pongs().length >= 100, 10_000);
      expect(pongs().map((f) => f.payload.toString())).toEqual(
        Array.from({ length: 100 }, (_, i) => `ping ${i}`),
      );
      expect(raw.ended).toBe(false);
      raw.destroy();
    });

    it("closes a peer that pings without reading once its pongs pass maxBufferedBytes", async () => {
      const { started } = recordingServer(ctx, {
        maxBufferedBytes: 256 * KiB,
        highWaterMark: 64 * KiB,
      });
      const { server, address } = await started;
      const raw = await RawSocket.open(address.port);
      raw.socket.pause();
      // 160,000 pings of 125 bytes: 20 MiB of pongs, more than loopback buffers hold.
      const ping = frame({ opcode: PING, payload: Buffer.alloc(125, 0x70) });
      const burst = Buffer.concat(Array.from({ length: 1000 }, () => ping));
      for (let i = 0; i < 160 && server.stats.overflowed === 0; i++) {
        raw.write(burst);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      // The close frame waits behind the pongs the peer does not read: the decision is what counts.
      await eventually(
        () => server.stats.overflowed === 1,
        20_000,
        "the pinging peer to be closed",
      );
      raw.destroy();
      await eventually(() => server.clientCount === 0, 10_000, "the channel to go");
    }, 60_000);

    it("stops inflating at maxMessageBytes: 20 deflate bombs of 19 MiB end their connections and hold no memory", async () => {
      const maxMessageBytes = 1 * MiB;
      const { started, delivered } = recordingServer(ctx, {
        maxMessageBytes,
        perMessageDeflate: true,
      });
      const { server, address } = await started;
      const bomb = deflateRawSync(Buffer.alloc(19 * MiB), { finishFlush: zlib.Z_SYNC_FLUSH });
      // RFC 7692: the sender leaves out the flush's empty block.
      const payload = bomb.subarray(0, bomb.length - 4);
      const count = 20;
      const rssBefore = process.memoryUsage().rss;
      const peers: RawSocket[] = [];
      for (let i = 0; i < count; i++) {
        const raw = await RawSocket.open(address.port, "/", {
          "sec-websocket-extensions": "permessage-deflate; client_max_window_bits",
        });
        expect(raw.head.toLowerCase()).toContain("permessage-deflate");
        raw.write(frame({ opcode: BINARY, rsv: 4, payload }));
        peers.push(raw);
      }
      for (const raw of peers) expect((await raw.outcome(10_000)).ended).toBe(true);
      await eventually(() => server.clientCount === 0, 10_000, "every channel to close");
      const rssGrowth = process.memoryUsage().rss - rssBefore;
      // What stays once the connections are gone: an engine that inflated each bomb in full
      // (19 MiB, or maxMessageBytes plus a headroom) leaves more than this behind.
      const bound = 24 * MiB;
      console.log(
        `[${ctx.backend().name}] ${count} deflate bombs (${(payload.length / KiB).toFixed(0)} KiB → 19 MiB): RSS growth ${(rssGrowth / MiB).toFixed(1)} MiB (bound ${(bound / MiB).toFixed(0)} MiB)`,
      );
      expect(rssGrowth).toBeLessThan(bound);
      expect(delivered).toEqual([]);
    }, 60_000);
  });
}
