import { freePort, type RedisServer, startRedis } from "@switchboard/test-support/redis-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisPubSubError, redisCounter } from "../src/index.js";

let redis: RedisServer;

describe("redisCounter", () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("hands out unique increasing numbers across counters (as across processes)", async () => {
    const a = redisCounter(redis.url, "users");
    const b = redisCounter({ url: redis.url }, "users");
    const numbers = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).next()));
    expect([...numbers].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await Promise.all([a.close(), b.close()]);
    await expect(a.next()).rejects.toMatchObject({ code: "STOPPED" });
  });

  it("rejects clearly while Redis is unreachable, and works once it is there", async () => {
    const port = await freePort();
    const counter = redisCounter(
      { url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300, onError: () => {} },
      "n",
    );
    const failure = await counter.next().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RedisPubSubError);
    expect(failure).toMatchObject({ code: "UNREACHABLE" });
    const late = await startRedis(port);
    try {
      expect(await counter.next()).toBe(1);
    } finally {
      await counter.close();
      await late.stop();
    }
  });

  it("needs a key", () => {
    expect(() => redisCounter(redis.url, "")).toThrow(/key/);
  });
});
