/**
 * One measurement: a fresh server process, fresh load processes, a warm-up, then a window
 * bracketed by marks at which the load counters and the server's CPU time are read together.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Contender } from "./contenders.js";
import { emptyChecks, type LoadChecks, type LoadResult, type LoadTask } from "./load/types.js";
import { cpuSeconds, type LoadProcess, rssBytes, startLoadProcess, startServer } from "./proc.js";
import type { Profile, Scenario } from "./scenarios.js";

export interface MeasureSettings {
  profile: Profile;
  warmupMs: number;
  windowMs: number;
  /** Load processes for scenarios that can split their connections. */
  loadProcesses: number;
  /** Write a CPU profile of the server into this folder. */
  cpuProfileDir?: string;
}

export interface Measurement {
  contender: string;
  scenario: string;
  round: number;
  /** ops/s, µs p50 or KiB per connection, depending on the scenario's metric. */
  value: number;
  /** µs p99 for latency runs. */
  p99?: number;
  /** Server CPU time per operation in µs (throughput and latency scenarios). */
  cpuPerOpUs?: number;
  /** Share of one core the server used during the window. */
  serverCores?: number;
  checks: LoadChecks;
  error?: string;
}

export async function measure(
  contender: Contender,
  scenario: Scenario,
  round: number,
  settings: MeasureSettings,
): Promise<Measurement> {
  const base = { contender: contender.id, scenario: scenario.id, round };
  const size = scenario.size[settings.profile];
  const processes = scenario.splittable
    ? Math.max(1, Math.min(settings.loadProcesses, size.connections))
    : 1;
  const loads: LoadProcess[] = [];
  const server = await startServer(contender, settings.cpuProfileDir);
  try {
    const maxMs = settings.warmupMs + settings.windowMs + 10_000;
    const tasks: LoadTask[] = Array.from({ length: processes }, (_, i) => ({
      ...size,
      kind: scenario.kind,
      port: server.port,
      dialect: contender.dialect,
      connections: share(size.connections, processes, i),
      maxOps: Math.ceil(size.maxOps / processes),
      maxMs,
      latency: scenario.metric === "latency",
    }));
    if (scenario.metric === "memory") await server.gc();
    const rssBefore = rssBytes(server.pid);
    for (const task of tasks) {
      const load = startLoadProcess();
      loads.push(load);
      load.send({ type: "start", task });
    }
    await Promise.all(loads.map((load) => load.next(ready, 120_000)));

    if (scenario.metric === "memory") {
      // Let the server finish its per-connection setup, then compare live memory only.
      await sleep(1000);
      await server.gc();
      const perConnection = (rssBytes(server.pid) - rssBefore) / size.connections / 1024;
      const results = await stopAll(loads);
      return { ...base, value: perConnection, checks: merge(results) };
    }

    await sleep(settings.warmupMs);
    const opsStart = await markAll(loads);
    const cpuStart = cpuSeconds(server.pid);
    const timeStart = performance.now();
    await sleep(settings.windowMs);
    const opsEnd = await markAll(loads);
    const cpuEnd = cpuSeconds(server.pid);
    const seconds = (performance.now() - timeStart) / 1000;
    const results = await stopAll(loads);
    const ops = opsEnd - opsStart;
    const cpu = cpuEnd - cpuStart;
    const measurement: Measurement = {
      ...base,
      value: ops / seconds,
      cpuPerOpUs: ops > 0 ? (cpu / ops) * 1e6 : Number.NaN,
      serverCores: cpu / seconds,
      checks: merge(results),
    };
    const latency = results[0]?.latency;
    if (scenario.metric === "latency" && latency) {
      measurement.value = latency.p50;
      measurement.p99 = latency.p99;
    }
    const firstError = results.find((r) => r.firstError)?.firstError;
    if (firstError) measurement.error = firstError;
    return measurement;
  } catch (error) {
    return { ...base, value: Number.NaN, checks: emptyChecks(), error: (error as Error).message };
  } finally {
    for (const load of loads) load.kill();
    await server.stop();
  }
}

const ready = (m: { type: string; message?: string }) => {
  if (m.type === "failed") throw new Error(`load could not start: ${m.message}`);
  return m.type === "ready" ? true : undefined;
};

async function markAll(loads: LoadProcess[]): Promise<number> {
  const marked = loads.map((load) =>
    load.next((m) => (m.type === "marked" ? m.ops : undefined), 10_000),
  );
  for (const load of loads) load.send({ type: "mark" });
  const counts = await Promise.all(marked);
  return counts.reduce((sum, n) => sum + n, 0);
}

async function stopAll(loads: LoadProcess[]): Promise<LoadResult[]> {
  const done = loads.map((load) =>
    load.next((m) => (m.type === "done" ? m.result : undefined), 30_000),
  );
  for (const load of loads) load.send({ type: "stop" });
  return Promise.all(done);
}

function merge(results: LoadResult[]): LoadChecks {
  const total = emptyChecks();
  for (const { checks } of results) {
    for (const key of Object.keys(total) as (keyof LoadChecks)[]) total[key] += checks[key];
  }
  return total;
}

/** Connections for load process `index` of `count`, spreading the remainder over the first ones. */
function share(total: number, count: number, index: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}
