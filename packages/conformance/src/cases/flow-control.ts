import { type Channel, WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { setReading } from "../support/paused.js";

const KiB = 1024;
const MiB = 1024 * KiB;

/** A server that hands its first channel to the test. */
function channelServer(ctx: SuiteContext, options: Record<string, unknown> = {}) {
  let resolveChannel: (channel: Channel) => void;
  const channel = new Promise<Channel>((resolve) => {
    resolveChannel = resolve;
  });
  const drains: number[] = [];
  const errors: string[] = [];
  const started = ctx.start(
    (backend) =>
      new WebServer({
        backend,
        ...options,
        onWsOpen(ch) {
          resolveChannel(ch);
        },
        onWsDrain(ch) {
          drains.push(ch.bufferedAmount);
        },
        onError(error) {
          errors.push((error as { code?: string }).code ?? String(error));
        },
      }),
  );
  return { started, channel, drains, errors };
}

/** Reads `count` numbered messages and checks their order and integrity. */
async function readSequence(client: TestClient, count: number, size: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const message = await client.next(15_000);
    expect(message.data.byteLength).toBe(size);
    expect(new DataView(message.data.buffer, message.data.byteOffset).getUint32(0)).toBe(i);
  }
}

function numbered(i: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  new DataView(bytes.buffer).setUint32(0, i);
  return bytes;
}

/** send() tells the producer when to wait; drain() says when to go on. */
export function flowControlCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("flow control", () => {
    it("send returns false once the buffer reaches highWaterMark, and drain() resolves when the reader catches up", async () => {
      const highWaterMark = 64 * KiB;
      const {
        started,
        channel: channelPromise,
        drains,
      } = channelServer(ctx, {
        highWaterMark,
        lowWaterMark: 16 * KiB,
        maxBufferedBytes: 64 * MiB,
      });
      const { wsUrl } = await started;
      const client = await TestClient.connect(wsUrl("/"), { pausable: true });
      const channel = await channelPromise;
      setReading(client, false);
      const size = 16 * KiB;
      let sent = 0;
      // Kernel socket buffers absorb some megabytes first; bounded at 48 MiB.
      while (sent < 3072) {
        const before = channel.bufferedAmount;
        const ok = channel.send(numbered(sent, size));
        sent++;
        if (!ok) break;
        expect(before).toBeLessThan(highWaterMark);
        if (sent % 64 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      expect(channel.bufferedAmount).toBeGreaterThanOrEqual(highWaterMark);
      expect(channel.bufferedAmount).toBeLessThan(highWaterMark + size + 1);
      const drained = channel.drain();
      setReading(client, true);
      await drained;
      expect(channel.bufferedAmount).toBeLessThanOrEqual(16 * KiB);
      await eventually(() => drains.length === 1, 5000, "onWsDrain");
      await readSequence(client, sent, size);
      await client.close();
    });

    it("drain() resolves at once when nothing is queued, and rejects when the channel closes first", async () => {
      const { started, channel: channelPromise } = channelServer(ctx, {
        highWaterMark: 32 * KiB,
        maxBufferedBytes: 64 * MiB,
      });
      const { wsUrl } = await started;
      const client = await TestClient.connect(wsUrl("/"), { pausable: true });
      const channel = await channelPromise;
      await channel.drain();
      setReading(client, false);
      let guard = 0;
      while (channel.send(new Uint8Array(16 * KiB)) && guard++ < 4096) {
        if (guard % 64 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      const drained = channel.drain();
      client.drop();
      await expect(drained).rejects.toMatchObject({ code: "CHANNEL_CLOSED" });
    });

    it("a producer awaiting drain() sends 100 MiB in order with the buffer under highWaterMark + one message", async () => {
      const highWaterMark = 256 * KiB;
      const { started, channel: channelPromise } = channelServer(ctx, {
        highWaterMark,
        maxBufferedBytes: 8 * MiB,
      });
      const { wsUrl } = await started;
      const client = await TestClient.connect(wsUrl("/"));
      const channel = await channelPromise;
      const size = 64 * KiB;
      const count = 1600; // 100 MiB
      let peak = 0;
      const reading = readSequence(client, count, size);
      for (let i = 0; i < count; i++) {
        if (!channel.send(numbered(i, size))) await channel.drain();
        peak = Math.max(peak, channel.bufferedAmount);
      }
      await reading;
      expect(peak).toBeLessThanOrEqual(highWaterMark + size);
      await client.close();
    });

    it("past maxBufferedBytes a send fails loudly: BUFFER_OVERFLOW, the channel closes with 1008, and it is counted", async () => {
      const {
        started,
        channel: channelPromise,
        errors,
      } = channelServer(ctx, {
        highWaterMark: 64 * KiB,
        maxBufferedBytes: 1 * MiB,
      });
      const { server, wsUrl } = await started;
      const client = await TestClient.connect(wsUrl("/"), { pausable: true });
      const channel = await channelPromise;
      setReading(client, false);
      let failure: unknown;
      for (let i = 0; i < 4096 && !failure; i++) {
        try {
          channel.send(new Uint8Array(64 * KiB));
          expect(channel.bufferedAmount).toBeLessThanOrEqual(1 * MiB);
        } catch (error) {
          failure = error;
        }
      }
      expect(failure).toMatchObject({ code: "BUFFER_OVERFLOW" });
      expect(channel.isOpen).toBe(false);
      expect(server.stats.overflowed).toBe(1);
      expect(errors).toContain("BUFFER_OVERFLOW");
      setReading(client, true);
      await eventually(() => server.clientCount === 0, 10_000, "the slow reader to be closed");
    });

    it("a reader that stalls for seconds after its overflow still gets the backlog and the 1008 close within closeTimeoutMs", async () => {
      const { started, channel: channelPromise } = channelServer(ctx, {
        highWaterMark: 64 * KiB,
        maxBufferedBytes: 512 * KiB,
        closeTimeoutMs: 10_000,
      });
      const { wsUrl } = await started;
      const client = await TestClient.connect(wsUrl("/"), { pausable: true });
      const channel = await channelPromise;
      setReading(client, false);
      let sent = 0;
      let failure: unknown;
      while (!failure && sent < 4096) {
        try {
          channel.send(numbered(sent, 64 * KiB));
          sent++;
        } catch (error) {
          failure = error;
        }
      }
      expect(failure).toMatchObject({ code: "BUFFER_OVERFLOW" });
      // Longer than any engine's own sweep of closing sockets, well inside closeTimeoutMs.
      await new Promise((resolve) => setTimeout(resolve, 4500));
      setReading(client, true);
      await readSequence(client, sent, 64 * KiB);
      expect((await client.closed).code).toBe(1008);
    });

    it("a slow subscriber never slows a broadcast to the rest; its overflow is closed and counted", async () => {
      const opened: Channel[] = [];
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            highWaterMark: 64 * KiB,
            maxBufferedBytes: 512 * KiB,
            onWsOpen(channel) {
              opened.push(channel);
            },
            onError: () => {},
          }),
      );
      const fast: TestClient[] = [];
      for (let i = 0; i < 3; i++) fast.push(await TestClient.connect(wsUrl("/")));
      const slow = await TestClient.connect(wsUrl("/"), { pausable: true });
      await eventually(() => opened.length === 4, 5000, "four channels");
      const fastChannels = opened.slice(0, 3);
      setReading(slow, false);
      const size = 32 * KiB;
      const rounds = 600; // ~19 MiB to each fast reader, far past the slow one's limit and kernel buffers
      const readers = fast.map((client) => readSequence(client, rounds, size));
      let slowClose: number | undefined;
      for (let i = 0; i < rounds; i++) {
        server.broadcast(numbered(i, size));
        if (slowClose === undefined && server.stats.overflowed > 0) {
          // Closed: the slow reader now takes its backlog and the close frame, undisturbed.
          // A closing peer that does not read has only closeTimeoutMs, which
          // a busy test process could otherwise spend on the rest of the broadcasts.
          setReading(slow, true);
          slowClose = (await slow.closed).code;
        }
        // The producer keeps pace with the fast readers only; the slow one must not hold it back.
        for (const channel of fastChannels)
          if (channel.bufferedAmount >= 64 * KiB) await channel.drain();
      }
      await Promise.all(readers);
      expect(server.stats.overflowed).toBe(1);
      expect(fastChannels.every((channel) => channel.isOpen)).toBe(true);
      expect(slowClose).toBe(1008);
      await Promise.all(fast.map((client) => client.close()));
    });
  });
}
