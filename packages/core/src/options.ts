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
  /** How long `close()` waits for peers to answer the close frame before dropping them. Default 5000 ms. */
  closeTimeoutMs: number;
  /** Allowed `Origin` values for upgrades; empty allows any. Default []. */
  allowedOrigins: readonly string[];
}

export const DEFAULT_LIMITS: Readonly<ServerLimits> = {
  maxMessageBytes: 4 * 1024 * 1024,
  maxBodyBytes: 1024 * 1024,
  highWaterMark: 1024 * 1024,
  lowWaterMark: 256 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  closeTimeoutMs: 5000,
  allowedOrigins: [],
};

/** Merges user limits over the defaults and rejects values that make no sense. */
export function resolveLimits(input: Partial<ServerLimits> = {}): ServerLimits {
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
    "closeTimeoutMs",
  ] as const) {
    positiveInteger(key, limits[key]);
  }
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
