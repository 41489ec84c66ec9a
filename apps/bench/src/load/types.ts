/** What the orchestrator and the load processes tell each other. */
import type { DialectName } from "./dialect.js";

export type LoadKind = "echo" | "broadcast" | "connect" | "http" | "idle";

export interface LoadTask {
  kind: LoadKind;
  port: number;
  dialect: DialectName;
  /** Connections this process opens (echo, http, idle), subscribers (broadcast), loops (connect). */
  connections: number;
  /** Messages or broadcasts each connection keeps outstanding. */
  inFlight: number;
  payloadBytes: number;
  /** Count bound: this process stops generating after this many operations. */
  maxOps: number;
  /** Time bound: this process stops by itself after this long, whatever the orchestrator says. */
  maxMs: number;
  /** Record round-trip times (echo with one connection and one message in flight). */
  latency: boolean;
}

/** Correctness of one load process's run: all must be zero except `ops`. */
export interface LoadChecks {
  ops: number;
  /** Sent (or expected) but never answered. */
  lost: number;
  /** Answered with the wrong sequence number, size or content. */
  wrong: number;
  /** Connections that failed to open, or dropped while they should have stayed up. */
  failures: number;
  /** Protocol errors seen by the client. */
  violations: number;
}

export interface LoadResult {
  checks: LoadChecks;
  /** Round-trip percentiles in microseconds between the first two marks (latency runs). */
  latency?: { p50: number; p99: number; samples: number };
  firstError?: string;
}

/** A running load: `mark` reads the operation counter, `stop` ends it and checks the outcome. */
export interface LoadRun {
  mark(): number;
  stop(): Promise<LoadResult>;
}

export type ToWorker = { type: "start"; task: LoadTask } | { type: "mark" } | { type: "stop" };
export type FromWorker =
  | { type: "ready" }
  | { type: "marked"; ops: number }
  | { type: "done"; result: LoadResult }
  | { type: "failed"; message: string };

export function emptyChecks(): LoadChecks {
  return { ops: 0, lost: 0, wrong: 0, failures: 0, violations: 0 };
}
