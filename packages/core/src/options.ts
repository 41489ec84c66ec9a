import { MAX_DELAY_MS } from "@switchboard/protocol";
import { type PerMessageDeflateOptions, resolveDeflate } from "./deflate.js";
import { SwitchboardError } from "./errors.js";

/** Limits and policies, each with a safe default. */
export interface ServerLimits {
  /** Largest WebSocket message; a bigger one closes the connection with 1009. Default 4 MiB. */
  maxMessageBytes: number;
  /** Largest HTTP request body; a bigger one is answered 413. Default 1 MiB. */
  maxBodyBytes: number;
  /** `send` returns false once a channel has this many bytes queued. Default 1 MiB. */
  highWaterMark: number;
  /** `drain()` resolves once the queue is down to this. Default `highWaterMark / 4`. */
  lowWaterMark: number;
  /** A send that would queue more than this closes the channel with 1008. Default 16 MiB. */
  maxBufferedBytes: number;
  /**
   * Received messages waiting while an async callback (`onWsOpen`, an earlier `onWsMessage`)
   * runs, in bytes, each message counted with 1 KiB more for its bookkeeping; one more closes the
   * channel with 1008. Default 16 MiB.
   */
  maxQueuedMessageBytes: number;
  /** How long `close()` waits for peers to answer the close frame before dropping them. Default 5000 ms. */
  closeTimeoutMs: number;
  /** Allowed `Origin` values for upgrades; empty allows any. Default []. */
  allowedOrigins: readonly string[];
  /** Open channels plus pending upgrades; past it upgrades get 503 (HTTP is still served). Default 10000. */
  maxConnections: number;
  /**
   * Open channels plus pending upgrades from one client address (IPv4 address, or IPv6 /64);
   * past it that address's upgrades get 429, everyone else is still admitted. 0 disables.
   * Default 0: behind a reverse proxy every client has the proxy's address, so a server that
   * sees clients directly turns it on (the chat example uses 32).
   */
  maxConnectionsPerIp: number;
  /** How long `onWsUpgrade` may take to decide before the client gets 408. Default 10000 ms. */
  upgradeTimeoutMs: number;
  /** Ping every channel this often; one that has not answered the previous ping is dropped (1006). 0 disables. Default 30000 ms. */
  heartbeatIntervalMs: number;
  /** Close a channel (1001) that sent no message for this long. 0 disables. Default 0. */
  idleTimeoutMs: number;
  /** Messages a channel may send per second (bursts up to this many); past it the channel is closed with 1008. 0 disables. Default 0. */
  maxMessagesPerSecond: number;
  /**
   * Negotiate permessage-deflate with clients that offer it: `true`, or its tuning (threshold,
   * compressor, windows, memLevel, context takeover; see `PerMessageDeflateOptions`). Inflation
   * stops at `maxMessageBytes` on every engine. Default false.
   */
  perMessageDeflate: boolean | PerMessageDeflateOptions;
  /**
   * Largest request head (request line plus headers); a bigger one is answered 431. Default 16 KiB,
   * node:http's own default.
   */
  maxHeaderBytes: number;
  /**
   * How long a client may take to send the request head. Default 10 000 ms. node:http answers 408;
   * uWebSockets.js has a fixed ~10 s idle timeout of its own and drops the connection without a
   * status.
   */
  headersTimeoutMs: number;
  /**
   * How long a client may take to send the request body once the head has arrived; then the
   * server answers 408 and closes the connection. Default 30 000 ms.
   */
  bodyTimeoutMs: number;
}

/**
 * The default of every `ServerLimits` field. `lowWaterMark` follows `highWaterMark` (a quarter of
 * it) when only `highWaterMark` is set.
 */
export const DEFAULT_LIMITS: Readonly<ServerLimits> = {
  maxMessageBytes: 4 * 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  highWaterMark: 1024 * 1024,
  lowWaterMark: 256 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  maxQueuedMessageBytes: 16 * 1024 * 1024,
  closeTimeoutMs: 5000,
  allowedOrigins: [],
  maxConnections: 10_000,
  maxConnectionsPerIp: 0,
  upgradeTimeoutMs: 10_000,
  heartbeatIntervalMs: 30_000,
  idleTimeoutMs: 0,
  maxMessagesPerSecond: 0,
  perMessageDeflate: false,
  maxHeaderBytes: 16 * 1024,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
};

/** Merges user limits over the defaults and rejects values that make no sense. */
export function resolveLimits(input: Partial<ServerLimits> = {}): ServerLimits {
  for (const key of Object.keys(input)) {
    if (!(key in DEFAULT_LIMITS)) {
      throw new SwitchboardError(
        "INVALID_OPTION",
        `unknown server option "${key}"; known options: backend, the on… hooks, ${Object.keys(DEFAULT_LIMITS).join(", ")}`,
      );
    }
  }
  const highWaterMark = input.highWaterMark ?? DEFAULT_LIMITS.highWaterMark;
  const limits: ServerLimits = {
    ...DEFAULT_LIMITS,
    lowWaterMark: Math.floor(highWaterMark / 4),
    ...definedOnly(input),
  };
  for (const key of [
    "maxMessageBytes",
    "maxBodyBytes",
    "highWaterMark",
    "maxBufferedBytes",
    "maxQueuedMessageBytes",
    "closeTimeoutMs",
    "maxConnections",
    "upgradeTimeoutMs",
    "maxHeaderBytes",
    "headersTimeoutMs",
    "bodyTimeoutMs",
  ] as const) {
    positiveInteger(key, limits[key]);
  }
  for (const key of [
    "heartbeatIntervalMs",
    "idleTimeoutMs",
    "maxMessagesPerSecond",
    "maxConnectionsPerIp",
  ] as const) {
    if (!Number.isSafeInteger(limits[key]) || limits[key] < 0)
      invalid(key, limits[key], "0 (off) or a positive integer");
  }
  // ws keeps the engine's limit as a 32-bit signed integer, uWS as an unsigned one: past 2 GiB
  // they differ (and recovery asks the engine for one byte more).
  if (limits.maxMessageBytes > 2 ** 30) {
    invalid("maxMessageBytes", limits.maxMessageBytes, "at most 1073741824 (1 GiB)");
  }
  for (const key of [
    "closeTimeoutMs",
    "upgradeTimeoutMs",
    "headersTimeoutMs",
    "bodyTimeoutMs",
    "heartbeatIntervalMs",
    "idleTimeoutMs",
  ] as const) {
    checkDelay(key, limits[key]);
  }
  resolveDeflate(limits.perMessageDeflate);
  if (!Number.isInteger(limits.lowWaterMark) || limits.lowWaterMark < 0) {
    invalid("lowWaterMark", limits.lowWaterMark, "a non-negative integer");
  }
  if (limits.lowWaterMark > limits.highWaterMark) {
    invalid("lowWaterMark", limits.lowWaterMark, `at most highWaterMark (${limits.highWaterMark})`);
  }
  if (limits.highWaterMark > limits.maxBufferedBytes) {
    invalid(
      "highWaterMark",
      limits.highWaterMark,
      `at most maxBufferedBytes (${limits.maxBufferedBytes})`,
    );
  }
  if (
    !Array.isArray(limits.allowedOrigins) ||
    limits.allowedOrigins.some((o) => typeof o !== "string")
  ) {
    invalid("allowedOrigins", limits.allowedOrigins, "an array of origin strings");
  }
  return limits;
}

/** Validates a listen port and host. */
export function checkAddress(port: unknown, host: unknown): void {
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
    invalid("port", port, "an integer from 0 to 65535");
  }
  if (typeof host !== "string" || host === "") invalid("host", host, "a host name or IP address");
}

/** Refuses a delay a timer cannot keep (see `MAX_DELAY_MS`). */
export function checkDelay(name: string, value: number): void {
  if (value > MAX_DELAY_MS) invalid(name, value, `at most ${MAX_DELAY_MS} ms (about 24.8 days)`);
}

function positiveInteger(name: string, value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) <= 0)
    invalid(name, value, "a positive integer");
}

function invalid(name: string, value: unknown, expected: string): never {
  throw new SwitchboardError("INVALID_OPTION", `${name} must be ${expected}, got ${String(value)}`);
}

function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}
