import { randomBytes } from "node:crypto";
import { DEFAULT_PREFIX } from "./channels.js";
import { describe } from "./errors.js";

/** Which Redis connection an error came from. */
export type RedisRole = "publisher" | "subscriber" | "counter";

/** Where an error reported to `onError` came from. */
export interface RedisErrorContext {
  /** The connection that failed. */
  connection: RedisRole;
}

/** How to reach Redis and how to behave when it goes away; shared by the adapter and the counter. */
export interface RedisConnectionOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (`rediss://` for TLS, credentials in the URL). */
  url: string;
  /** How long the first connection may take before `start()` rejects. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** First delay between reconnection attempts; doubles up to `reconnectMaxDelayMs`. Default 100 ms. */
  reconnectMinDelayMs?: number;
  /** Longest delay between reconnection attempts. Default 2000 ms. */
  reconnectMaxDelayMs?: number;
  /** Connection losses, dropped publishes, failed commands. Default: `console.error`. */
  onError?: (error: unknown, context: RedisErrorContext) => void;
}

/** Options of `redisPubSub(...)`. */
export interface RedisPubSubOptions extends RedisConnectionOptions {
  /** Prepended to every topic to name its Redis channel. Default `"switchboard:"`. */
  prefix?: string;
  /** This process's id in every message it publishes, to skip its own. Default: 16 random hex digits. */
  nodeId?: string;
  /**
   * With `recovery` on the server: how long a process taking over a session waits for the
   * process that held it to let go, when that one is connected to Redis but does not answer.
   * Default 2000 ms.
   */
  handoffTimeoutMs?: number;
}

/** Connection options with every default applied. */
export interface ResolvedConnectionOptions {
  url: string;
  connectTimeoutMs: number;
  reconnectMinDelayMs: number;
  reconnectMaxDelayMs: number;
  onError: (error: unknown, context: RedisErrorContext) => void;
}

/** The defaults, in one place. */
export const DEFAULTS = {
  /** Default of `connectTimeoutMs`. */
  connectTimeoutMs: 5000,
  /** Default of `reconnectMinDelayMs`. */
  reconnectMinDelayMs: 100,
  /** Default of `reconnectMaxDelayMs`. */
  reconnectMaxDelayMs: 2000,
  /** Default of `prefix`. */
  prefix: DEFAULT_PREFIX,
  /** Default of `handoffTimeoutMs`. */
  handoffTimeoutMs: 2000,
} as const;

export function resolveConnection(options: RedisConnectionOptions): ResolvedConnectionOptions {
  if (!options || typeof options.url !== "string" || options.url === "") {
    throw new TypeError("a Redis url is required, e.g. { url: 'redis://127.0.0.1:6379' }");
  }
  const resolved = {
    url: options.url,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    reconnectMinDelayMs: options.reconnectMinDelayMs ?? DEFAULTS.reconnectMinDelayMs,
    reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? DEFAULTS.reconnectMaxDelayMs,
    onError: options.onError ?? logError,
  };
  for (const key of ["connectTimeoutMs", "reconnectMinDelayMs", "reconnectMaxDelayMs"] as const) {
    checkDelay(key, resolved[key]);
  }
  if (resolved.reconnectMaxDelayMs < resolved.reconnectMinDelayMs) {
    throw new RangeError("reconnectMaxDelayMs must be at least reconnectMinDelayMs");
  }
  return resolved;
}

/** The longest delay a timer keeps: Node.js fires a longer one after 1 ms. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Refuses a delay that is not a positive number of milliseconds a timer can keep. */
export function checkDelay(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > MAX_DELAY_MS) {
    throw new RangeError(
      `${name} must be a positive number of milliseconds, at most ${MAX_DELAY_MS}, got ${value}`,
    );
  }
}

export function defaultNodeId(): string {
  return randomBytes(8).toString("hex");
}

function logError(error: unknown, context: RedisErrorContext): void {
  console.error(`[switchboard:redis] ${context.connection}: ${describe(error)}`);
}
