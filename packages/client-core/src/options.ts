import { ClientError } from "./errors.js";
import type { Opcode } from "./opcode.js";

/**
 * Callbacks, passed as options. Subclasses may override the methods of the same name instead.
 * A callback that throws (or rejects) is reported to `onError`; it never breaks the client.
 */
export interface ClientHooks {
  /** The connection is open (again, after a reconnect). */
  onOpen?(): unknown;
  /** An open connection ended, with the close frame's code and reason (1006: no close frame). */
  onClose?(code: number, reason: string): unknown;
  /** A TEXT message arrived. */
  onMessage?(text: string): unknown;
  /** Any message arrived, as bytes, with its opcode. */
  onMessageFrame?(data: Uint8Array, opcode: Opcode): unknown;
  /** Something went wrong that no promise or exception reports. Default: `console.error`. */
  onError?(error: unknown): void;
}

/** Reconnect policy. Delays are in milliseconds. */
export interface ReconnectOptions {
  /** Delay before the first retry. Default 1000. */
  initialDelay?: number;
  /** Upper bound of any delay. Default 5000. */
  maxDelay?: number;
  /** Each retry waits `factor` times longer than the one before. Default 2. */
  factor?: number;
  /** Randomizes each delay by up to ±`jitter` of itself, so clients do not retry in lockstep. Default 0.5. */
  jitter?: number;
  /** Retries after a failure before giving up with `RECONNECT_FAILED`. Default Infinity. */
  maxRetries?: number;
}

/** Options of `new WebSocketClient(...)`. Every field is optional. */
export interface ClientOptions extends ClientHooks {
  /** Subprotocols to offer; `client.protocol` tells which one the server picked. */
  protocols?: string | string[];
  /** How long one connection attempt may take, in ms. Default 10000. */
  connectTimeout?: number;
  /** Reconnect when the connection drops (not after `close()`). Default false; `true` uses the defaults. */
  reconnect?: boolean | ReconnectOptions;
  /** Messages `send` queues while (re)connecting; beyond it `send` throws `QUEUE_FULL`. Default 1000. */
  maxQueuedMessages?: number;
  /** Messages kept for `nextMessage()` until read; the oldest go first. 0 keeps none. Default 1000. */
  maxUnreadMessages?: number;
  /** `send` returns false once this many bytes wait in the socket buffer. Default 1 MiB. */
  highWaterMark?: number;
  /** `drain()` resolves once the buffer is down to this. Default `highWaterMark / 4`. */
  lowWaterMark?: number;
}

/** A reconnect policy with every field filled in. */
export type ReconnectPolicy = Required<ReconnectOptions>;

/** Options with every default applied. */
export interface ResolvedOptions {
  protocols: string[];
  connectTimeout: number;
  reconnect: ReconnectPolicy | undefined;
  maxQueuedMessages: number;
  maxUnreadMessages: number;
  highWaterMark: number;
  lowWaterMark: number;
}

/** The defaults, as documented on each option. */
export const DEFAULT_RECONNECT: Readonly<ReconnectPolicy> = {
  initialDelay: 1000,
  maxDelay: 5000,
  factor: 2,
  jitter: 0.5,
  maxRetries: Number.POSITIVE_INFINITY,
};

/** Applies the defaults and refuses values that would misbehave later. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const { protocols = [], reconnect } = options;
  const highWaterMark = check("highWaterMark", options.highWaterMark, 1024 * 1024);
  const resolved: ResolvedOptions = {
    protocols: typeof protocols === "string" ? [protocols] : [...protocols],
    connectTimeout: check("connectTimeout", options.connectTimeout, 10_000),
    reconnect: undefined,
    maxQueuedMessages: check("maxQueuedMessages", options.maxQueuedMessages, 1000),
    maxUnreadMessages: check("maxUnreadMessages", options.maxUnreadMessages, 1000),
    highWaterMark,
    lowWaterMark: check("lowWaterMark", options.lowWaterMark, highWaterMark / 4, highWaterMark),
  };
  if (resolved.protocols.some((p) => typeof p !== "string")) invalid("protocols", protocols);
  if (reconnect) {
    const given = reconnect === true ? {} : reconnect;
    const policy = { ...DEFAULT_RECONNECT };
    for (const key of Object.keys(policy) as (keyof ReconnectPolicy)[]) {
      policy[key] = check(key, given[key], policy[key], key === "jitter" ? 1 : undefined);
    }
    if (policy.factor < 1) invalid("factor", policy.factor);
    resolved.reconnect = policy;
  }
  return resolved;
}

function check(
  name: string,
  value: number | undefined,
  fallback: number,
  max = Number.POSITIVE_INFINITY,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0 && value <= max)) invalid(name, value);
  return value;
}

function invalid(name: string, value: unknown): never {
  throw new ClientError("INVALID_OPTION", `option ${name} has an invalid value: ${String(value)}`);
}
