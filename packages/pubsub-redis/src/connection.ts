import { createClient } from "redis";
import { backoffDelay } from "./backoff.js";
import { describe, RedisPubSubError, redactUrl } from "./errors.js";
import type { RedisRole, ResolvedConnectionOptions } from "./options.js";

/** The node-redis client type this package uses. */
export type RedisClient = ReturnType<typeof createClient>;

/** What a connection tells its owner. */
export interface ConnectionEvents {
  /** The connection is (again) usable; `reconnected` is false the first time. */
  ready?(reconnected: boolean): void;
  /** The connection was lost; the client is reconnecting with backoff. */
  lost?(): void;
}

/** How long `close()` lets pending commands finish before dropping the socket. */
const CLOSE_GRACE_MS = 1000;

/**
 * One Redis connection with this package's policy: no offline queue (a command while
 * disconnected fails at once instead of piling up), reconnection with capped exponential backoff
 * forever after the first success, and every `error` event handled: one report per outage
 * rather than one per failed attempt.
 */
export class Connection {
  readonly client: RedisClient;
  readonly #role: RedisRole;
  readonly #options: ResolvedConnectionOptions;
  readonly #events: ConnectionEvents;
  #state: "idle" | "connecting" | "ready" | "down" | "closed" = "idle";
  #lastError: unknown;

  constructor(
    role: RedisRole,
    options: ResolvedConnectionOptions,
    events: ConnectionEvents = {},
    name?: string,
  ) {
    this.#role = role;
    this.#options = options;
    this.#events = events;
    this.client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      ...(name && { name }),
      // The client's default per-command timeout arms an AbortSignal timer per command, which
      // costs the publisher about three quarters of its throughput. Published messages are
      // never awaited anyway; a dead connection shows up as a socket error instead.
      ...(role === "publisher" && { commandOptions: { timeout: 0 } }),
      socket: {
        connectTimeout: options.connectTimeoutMs,
        reconnectStrategy: (retries) =>
          backoffDelay(retries, options.reconnectMinDelayMs, options.reconnectMaxDelayMs),
      },
    });
    this.client.on("error", (error: unknown) => this.#onError(error));
    this.client.on("ready", () => this.#onReady());
  }

  /** True while commands can be sent. */
  get isReady(): boolean {
    return this.#state === "ready" && this.client.isReady;
  }

  /** Connects; rejects with `UNREACHABLE` (and gives up) if that takes over `connectTimeoutMs`. */
  async open(): Promise<void> {
    if (this.#state !== "idle")
      throw new RedisPubSubError("STOPPED", `the ${this.#role} connection was already opened`);
    this.#state = "connecting";
    const { connectTimeoutMs, url } = this.#options;
    let timer: NodeJS.Timeout | undefined;
    const connecting = this.client.connect();
    connecting.catch(() => {});
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const last = this.#lastError === undefined ? "no answer" : describe(this.#lastError);
        reject(
          new RedisPubSubError(
            "UNREACHABLE",
            `cannot reach Redis at ${redactUrl(url)} within ${connectTimeoutMs} ms (${this.#role} connection): ${last}`,
            { cause: this.#lastError },
          ),
        );
      }, connectTimeoutMs);
    });
    try {
      await Promise.race([connecting, timedOut]);
    } catch (error) {
      this.#state = "closed";
      this.client.destroy();
      throw error instanceof RedisPubSubError
        ? error
        : new RedisPubSubError(
            "UNREACHABLE",
            `cannot connect to Redis at ${redactUrl(url)}: ${describe(error)}`,
            {
              cause: error,
            },
          );
    } finally {
      clearTimeout(timer);
    }
    this.#state = "ready";
  }

  /** Closes the connection, letting pending commands finish for up to a second. Idempotent. */
  async close(): Promise<void> {
    const wasReady = this.isReady;
    const previous = this.#state;
    this.#state = "closed";
    if (previous === "closed" || previous === "idle") return;
    if (!wasReady) {
      this.client.destroy();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
    });
    try {
      await Promise.race([this.client.close(), grace]);
    } catch {
      // closing a connection that just died: nothing left to release but the socket
    } finally {
      clearTimeout(timer);
      if (this.client.isOpen) this.client.destroy();
    }
  }

  /** Hands an error to `onError`, never letting it throw back into the client. */
  report(error: unknown): void {
    try {
      this.#options.onError(error, { connection: this.#role });
    } catch (secondary) {
      console.error("[switchboard:redis] onError threw:", secondary, "while reporting:", error);
    }
  }

  #onError(error: unknown): void {
    this.#lastError = error;
    if (this.#state === "connecting" || this.#state === "closed" || this.#state === "down") return;
    if (this.#state === "ready" && !this.client.isReady) {
      this.#state = "down";
      this.report(
        new RedisPubSubError(
          "CONNECTION_LOST",
          `lost the ${this.#role} connection to Redis (${describe(error)}); reconnecting`,
          { cause: error },
        ),
      );
      this.#events.lost?.();
      return;
    }
    this.report(error);
  }

  #onReady(): void {
    if (this.#state === "connecting") {
      this.#events.ready?.(false);
      return;
    }
    if (this.#state === "closed" || this.#state === "idle") return;
    // Also when a reconnection happened without an error event first: treat it as one.
    this.#state = "ready";
    this.#events.ready?.(true);
  }
}
