import { Connection } from "./connection.js";
import { RedisPubSubError } from "./errors.js";
import { type RedisConnectionOptions, resolveConnection } from "./options.js";

/** A number shared by every process that uses the same Redis key. */
export interface RedisCounter {
  /** Atomically increments the key and returns the new value: 1, 2, 3… across all processes. */
  next(): Promise<number>;
  /** Closes the counter's connection. */
  close(): Promise<void>;
}

/**
 * A counter in Redis (`INCR key`), e.g. for nicknames unique across server processes. Connects on
 * the first `next()` (and again on the next call if that failed); while Redis is unreachable
 * `next()` rejects at once: nothing is queued.
 *
 * @example
 * const users = redisCounter("redis://127.0.0.1:6379", "chat:users");
 * const nickname = `user_${await users.next()}`;
 */
export function redisCounter(
  urlOrOptions: string | RedisConnectionOptions,
  key: string,
): RedisCounter {
  if (typeof key !== "string" || key === "")
    throw new TypeError("a counter needs a non-empty Redis key");
  const options = resolveConnection(
    typeof urlOrOptions === "string" ? { url: urlOrOptions } : urlOrOptions,
  );
  let connection: Connection | undefined;
  let opening: Promise<void> | undefined;
  let closed = false;
  const connect = async (): Promise<Connection> => {
    if (!connection) {
      const fresh = new Connection("counter", options);
      connection = fresh;
      opening = fresh.open().catch((error: unknown) => {
        if (connection === fresh) connection = undefined;
        throw error;
      });
    }
    const current = connection;
    await opening;
    return current;
  };
  return {
    async next() {
      if (closed) throw new RedisPubSubError("STOPPED", `counter ${key} is closed`);
      const current = await connect();
      return current.client.incr(key);
    },
    async close() {
      closed = true;
      await connection?.close();
      connection = undefined;
    },
  };
}
