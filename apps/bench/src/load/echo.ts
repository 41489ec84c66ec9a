/**
 * Echo: every connection keeps `inFlight` messages outstanding; each reply (checked for its
 * sequence number) releases the next message, and all releases of one incoming batch go out in
 * one write. With one connection and one message in flight it measures round-trip latency.
 */
import { dialectFor, openSession } from "./dialect.js";
import { SequencedMessage } from "./messages.js";
import { inBatches, waitUntil } from "./settle.js";
import { emptyChecks, type LoadResult, type LoadRun, type LoadTask } from "./types.js";
import type { WsConnection } from "./ws-client.js";

interface Lane {
  connection?: WsConnection;
  sent: number;
  received: number;
  /** Replies that released a message not yet written. */
  owed: number;
  open: boolean;
}

export async function startEcho(task: LoadTask): Promise<LoadRun> {
  const dialect = dialectFor(task.dialect);
  const message = new SequencedMessage(task.payloadBytes, dialect.envelope("echo"));
  const checks = emptyChecks();
  let running = true;
  let totalSent = 0;
  let firstError: string | undefined;
  // Round-trip samples in microseconds; only used with one message in flight.
  const samples = task.latency ? new Float64Array(Math.min(task.maxOps, 2_000_000)) : undefined;
  let sampleCount = 0;
  let sentAt = 0;
  const sampleMarks: number[] = [];

  const flush = (lane: Lane) => {
    if (lane.owed === 0 || !lane.connection) return;
    const count = Math.min(lane.owed, task.maxOps - totalSent);
    lane.owed = 0;
    if (!running || count <= 0) return;
    if (samples) sentAt = performance.now();
    message.send(lane.connection, lane.sent, count);
    lane.sent += count;
    totalSent += count;
  };

  const lanes = await inBatches(task.connections, 50, async () => {
    const lane: Lane = { sent: 0, received: 0, owed: 0, open: true };
    lane.connection = await openSession(task.port, dialect, "echo", {
      message(payload) {
        const seq = message.seqOf(payload);
        if (seq !== lane.received) {
          checks.wrong++;
          firstError ??= `echo: expected #${lane.received}, got ${payload.length} bytes (#${seq})`;
        }
        lane.received++;
        checks.ops++;
        if (samples && sampleCount < samples.length)
          samples[sampleCount++] = (performance.now() - sentAt) * 1000;
        lane.owed++;
      },
      afterData: () => flush(lane),
      closed() {
        lane.open = false;
        if (running) checks.failures++;
      },
    });
    return lane;
  });

  for (const lane of lanes) {
    lane.owed = task.inFlight;
    flush(lane);
  }
  const stopTimer = setTimeout(() => {
    running = false;
  }, task.maxMs);

  return {
    mark() {
      sampleMarks.push(sampleCount);
      return checks.ops;
    },
    async stop(): Promise<LoadResult> {
      running = false;
      clearTimeout(stopTimer);
      await waitUntil(() => lanes.every((lane) => !lane.open || lane.received >= lane.sent), 5000);
      for (const lane of lanes) {
        checks.lost += lane.sent - lane.received;
        checks.violations += lane.connection?.violations ?? 0;
        lane.connection?.close();
      }
      await waitUntil(() => lanes.every((lane) => !lane.open), 3000);
      for (const lane of lanes) lane.connection?.socket.destroy();
      const result: LoadResult = { checks };
      if (firstError) result.firstError = firstError;
      if (samples)
        result.latency = percentiles(samples, sampleMarks[0] ?? 0, sampleMarks[1] ?? sampleCount);
      return result;
    },
  };
}

function percentiles(samples: Float64Array, from: number, to: number): LoadResult["latency"] {
  const window = samples.slice(from, to).sort();
  const at = (q: number) => window[Math.min(window.length - 1, Math.floor(q * window.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), samples: window.length };
}
