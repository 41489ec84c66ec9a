/** The loads, with their sizes for a full run, a quick run and the smoke test. */
import type { LoadKind, LoadTask } from "./load/types.js";

export type Profile = "full" | "quick" | "smoke";
/** What a scenario's headline number is: operations per second, a latency, or memory. */
export type Metric = "throughput" | "latency" | "memory";

export interface Scenario {
  id: string;
  title: string;
  kind: LoadKind;
  metric: Metric;
  /** Unit of the headline number. */
  unit: string;
  /** What one operation is, for the CPU-per-operation column. */
  operation: string;
  /** Split connections over the load processes; off where one process must see every reply. */
  splittable: boolean;
  size: Record<Profile, Pick<LoadTask, "connections" | "inFlight" | "payloadBytes" | "maxOps">>;
}

const echoSize = (payloadBytes: number): Scenario["size"] => ({
  full: { connections: 100, inFlight: 16, payloadBytes, maxOps: 20_000_000 },
  quick: { connections: 100, inFlight: 16, payloadBytes, maxOps: 10_000_000 },
  smoke: { connections: 4, inFlight: 4, payloadBytes, maxOps: 200_000 },
});

export const SCENARIOS: readonly Scenario[] = [
  {
    id: "echo-32",
    title: "echo 32 B, 100 connections × 16 in flight",
    kind: "echo",
    metric: "throughput",
    unit: "round trips/s",
    operation: "round trip",
    splittable: true,
    size: echoSize(32),
  },
  {
    id: "echo-4k",
    title: "echo 4 KiB, 100 connections × 16 in flight",
    kind: "echo",
    metric: "throughput",
    unit: "round trips/s",
    operation: "round trip",
    splittable: true,
    size: echoSize(4096),
  },
  {
    id: "latency",
    title: "latency 32 B, 1 connection × 1 in flight",
    kind: "echo",
    metric: "latency",
    unit: "µs p50",
    operation: "round trip",
    splittable: false,
    size: {
      full: { connections: 1, inFlight: 1, payloadBytes: 32, maxOps: 2_000_000 },
      quick: { connections: 1, inFlight: 1, payloadBytes: 32, maxOps: 2_000_000 },
      smoke: { connections: 1, inFlight: 1, payloadBytes: 32, maxOps: 100_000 },
    },
  },
  {
    id: "broadcast",
    title: "broadcast 32 B to 100 subscribers, 16 broadcasts in flight",
    kind: "broadcast",
    metric: "throughput",
    unit: "deliveries/s",
    operation: "delivery",
    splittable: false,
    size: {
      full: { connections: 100, inFlight: 16, payloadBytes: 32, maxOps: 50_000_000 },
      quick: { connections: 100, inFlight: 16, payloadBytes: 32, maxOps: 50_000_000 },
      smoke: { connections: 5, inFlight: 4, payloadBytes: 32, maxOps: 500_000 },
    },
  },
  {
    id: "connect",
    title: "connect + close, 32 at a time",
    kind: "connect",
    metric: "throughput",
    unit: "cycles/s",
    operation: "connect+close",
    splittable: true,
    // Bounded well under the ephemeral port range, so TIME_WAIT never runs out of ports.
    size: {
      full: { connections: 32, inFlight: 1, payloadBytes: 0, maxOps: 20_000 },
      quick: { connections: 32, inFlight: 1, payloadBytes: 0, maxOps: 10_000 },
      smoke: { connections: 2, inFlight: 1, payloadBytes: 0, maxOps: 500 },
    },
  },
  {
    id: "http",
    title: "HTTP GET /ping, 100 keep-alive connections",
    kind: "http",
    metric: "throughput",
    unit: "requests/s",
    operation: "request",
    splittable: true,
    size: {
      full: { connections: 100, inFlight: 1, payloadBytes: 0, maxOps: 20_000_000 },
      quick: { connections: 100, inFlight: 1, payloadBytes: 0, maxOps: 10_000_000 },
      smoke: { connections: 4, inFlight: 1, payloadBytes: 0, maxOps: 200_000 },
    },
  },
  {
    id: "idle-memory",
    title: "memory per idle connection",
    kind: "idle",
    metric: "memory",
    unit: "KiB/connection",
    operation: "connection",
    splittable: false,
    size: {
      full: { connections: 10_000, inFlight: 0, payloadBytes: 0, maxOps: 10_000 },
      quick: { connections: 2_000, inFlight: 0, payloadBytes: 0, maxOps: 2_000 },
      smoke: { connections: 20, inFlight: 0, payloadBytes: 0, maxOps: 20 },
    },
  },
];
