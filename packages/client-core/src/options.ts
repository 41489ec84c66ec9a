import type { WebSocketClientBase } from "./client.js";
import { ClientError } from "./errors.js";
import type { Opcode } from "./opcode.js";
import { type CloseInfo, defaultShouldReconnect } from "./policy.js";
import type { ClientRecovery } from "./recovery.js";

/**
 * Callbacks. Override them in a subclass, or pass them as options (an option replaces the method
 * of the same name). A callback that throws or rejects is reported to `onError`; it never breaks
 * the client.
 */
export interface ClientHooks {
  /** The connection is open (again, after a reconnect). */
  onOpen?(): unknown;
  /**
   * An open connection ended, with the close frame's code and reason (1006: no close frame);
   * `reconnecting` says whether the client will retry.
   */
  onClose?(code: number, reason: string, reconnecting: boolean): unknown;
  /** A TEXT message arrived. */
  onMessage?(text: string): unknown;
  /** Any message arrived, as bytes, with its opcode. */
  onMessageFrame?(data: Uint8Array, opcode: Opcode): unknown;
  /** Something went wrong that no promise or exception reports. Default: `console.error`. */
  onError?(error: unknown): void;
  /**
   * With `reconnect` on: the client stopped by itself and is now closed, with why:
   * `CLOSED_BY_SERVER` or `UPGRADE_REFUSED` (the policy does not retry it), `RECONNECT_FAILED`
   * (`maxRetries` spent). `reconnect()` starts again.
   */
  onStop?(error: ClientError): unknown;
}

/** Reconnect policy. Delays are in milliseconds. */
export interface ReconnectOptions {
  /** Delay before the first retry. Default 1000. */
  initialDelay?: number;
  /** Upper bound of any delay. Default 5000. */
  maxDelay?: number;
  /** Each retry waits `factor` (≥ 1) times longer than the one before. Default 2. */
  factor?: number;
  /** Spreads each delay by up to ±`jitter` of itself (0 to 1), so clients do not retry in lockstep. Default 0.5. */
  jitter?: number;
  /**
   * Failed attempts in a row before giving up with `RECONNECT_FAILED`; a connection that drops
   * within `maxDelay` of opening counts as one. Default Infinity.
   */
  maxRetries?: number;
  /**
   * Whether to retry after a close or a failed attempt; replaces the default policy,
   * `defaultShouldReconnect` (see its table). Even so, a retry after 1008 waits at least
   * `maxDelay`, and one after 429 or 503 at least its `Retry-After`. A callback that throws
   * means no (and goes to `onError`).
   *
   * @example
   * shouldReconnect: (info) => info.code !== 4001 && defaultShouldReconnect(info)
   */
  shouldReconnect?(info: CloseInfo): boolean;
}

/** Limits and timeouts; every one is a number ≥ 0. */
export interface ClientLimits {
  /** How long one connection attempt may take, in ms, counted from its start (a URL function included). Default 10000. */
  connectTimeout?: number;
  /** Messages `send` queues while (re)connecting; beyond it `send` throws `QUEUE_FULL`. Default 1000. */
  maxQueuedMessages?: number;
  /** Messages kept for `nextMessage()` until read; the oldest go first. 0 keeps none. Default 1000. */
  maxUnreadMessages?: number;
  /** `send` returns false once this many bytes wait in the socket buffer. Default 1 MiB. */
  highWaterMark?: number;
  /** `drain()` resolves once the buffer is down to this many bytes. Default 256 KiB. */
  lowWaterMark?: number;
}

/** Options of `new WebSocketClient(...)`. Every field is optional. */
export interface ClientOptions extends ClientHooks, ClientLimits {
  /** Subprotocols to offer; `client.protocol` tells which one the server picked. */
  protocols?: string | string[];
  /** Reconnect when the connection drops (never after `close()`). Default false; `true` uses the defaults. */
  reconnect?: boolean | ReconnectOptions;
  /**
   * Connection state recovery (with a server that has `recovery` on): after a drop, the next
   * connection gets what the server sent meanwhile and resends what it did not get, each
   * exactly once, in order; `client.recovered` tells whether it did. `true` in Node; in the
   * browser pass `recovery` (imported from the package), so pages without it stay small.
   */
  recover?: boolean | ((client: WebSocketClientBase) => ClientRecovery);
}

/** A reconnect policy with every field filled in. */
export type ReconnectPolicy = Required<ReconnectOptions>;

/** Options with every default applied. */
export interface ResolvedOptions extends Required<ClientLimits> {
  protocols: string | string[];
  reconnect: ReconnectPolicy | undefined;
}

const DEFAULT_LIMITS: Required<ClientLimits> = {
  connectTimeout: 10_000,
  maxQueuedMessages: 1000,
  maxUnreadMessages: 1000,
  highWaterMark: 2 ** 20, // 1 MiB
  lowWaterMark: 2 ** 18, // 256 KiB
};

/** The reconnect defaults, in line with socket.io's. */
export const DEFAULT_RECONNECT: Readonly<ReconnectPolicy> = {
  initialDelay: 1000,
  maxDelay: 5000,
  factor: 2,
  jitter: 0.5,
  maxRetries: Infinity,
  shouldReconnect: defaultShouldReconnect,
};

/** Applies the defaults and refuses values that would misbehave later, with `INVALID_OPTION`. */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  const { protocols = [], reconnect } = options;
  const limits = withDefaults(DEFAULT_LIMITS, options);
  // `reconnect: true` has none of the keys, so every default applies.
  const policy = reconnect ? withDefaults(DEFAULT_RECONNECT, reconnect) : undefined;

  if (limits.lowWaterMark > limits.highWaterMark) invalid("lowWaterMark", limits.lowWaterMark);
  // Malformed protocols are refused by the WebSocket itself: CONNECT_FAILED, with the cause.
  return { ...limits, protocols, reconnect: policy };
}

function withDefaults<T extends object>(defaults: T, given: object | true): T {
  const resolved = {} as T;
  for (const key in defaults) {
    const value = (given as Partial<Record<keyof T, unknown>>)[key] ?? defaults[key];
    // Numbers are ≥ 0 (NaN is not; `factor` ≥ 1, or retries come faster), callbacks are functions.
    if (
      typeof value !== typeof defaults[key] ||
      !((value as number) >= (key === "factor" ? 1 : 0) || typeof value === "function") ||
      // Past 1 a delay could be negative: retries would come at once.
      (key === "jitter" && (value as number) > 1)
    )
      invalid(key, value);
    resolved[key] = value as T[typeof key];
  }
  return resolved;
}

function invalid(name: string, value: unknown): never {
  throw new ClientError("INVALID_OPTION", `${name}: ${String(value)}`);
}
