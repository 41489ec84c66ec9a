import { BROADCAST_TOPIC } from "@switchboard/core/pubsub";
import { freePort, type RedisServer, startRedis } from "@switchboard/test-support/redis-server";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  broadcastChannel,
  channelOf,
  type RedisPubSub,
  RedisPubSubError,
  redisPubSub,
} from "../src/index.js";
import { eventually } from "./support/collector.js";
import { subscriberCount } from "./support/redis-probe.js";

interface Delivery {
  topic: string;
  payload: Buffer;
  binary: boolean;
}

let redis: RedisServer;
const started: RedisPubSub[] = [];

/** Starts an adapter that records what it delivers; stopped after the file. */
async function adapter(
  prefix = "test:",
): Promise<{ pubsub: RedisPubSub; got: Delivery[]; errors: unknown[] }> {
  const got: Delivery[] = [];
  const errors: unknown[] = [];
  const pubsub = redisPubSub({
    url: redis.url,
    prefix,
    reconnectMinDelayMs: 20,
    reconnectMaxDelayMs: 200,
    onError: (error) => errors.push(error),
  });
  await pubsub.start((topic, payload, binary) =>
    got.push({ topic, payload: Buffer.from(payload), binary }),
  );
  started.push(pubsub);
  return { pubsub, got, errors };
}

describe("redisPubSub", () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(started.map((pubsub) => pubsub.stop()));
    await redis?.stop();
  });

  it("delivers other processes' publishes and never its own", async () => {
    const a = await adapter();
    const b = await adapter();
    a.pubsub.subscribe("news");
    b.pubsub.subscribe("news");
    await eventually(
      async () => (await subscriberCount(redis.url, "test:news")) === 2,
      5000,
      "subscriptions",
    );
    a.pubsub.publish("news", Buffer.from("from a"), false);
    b.pubsub.publish("news", Buffer.from([0, 1, 2]), true);
    await eventually(() => a.got.length === 1 && b.got.length === 1, 5000, "one delivery each");
    expect(a.got[0]).toEqual({ topic: "news", payload: Buffer.from([0, 1, 2]), binary: true });
    expect(b.got[0]).toEqual({ topic: "news", payload: Buffer.from("from a"), binary: false });
    expect(a.pubsub.stats).toMatchObject({ published: 1, received: 1 });
  });

  it("subscribes a topic's channel only while there is local interest, and always broadcast", async () => {
    const { pubsub } = await adapter("interest:");
    expect(await subscriberCount(redis.url, broadcastChannel("interest:"))).toBe(1);
    expect(broadcastChannel("interest:")).toBe("interest:" + BROADCAST_TOPIC);
    expect(await subscriberCount(redis.url, "interest:room")).toBe(0);
    pubsub.subscribe("room");
    await eventually(
      async () => (await subscriberCount(redis.url, "interest:room")) === 1,
      5000,
      "subscribe",
    );
    pubsub.unsubscribe("room");
    await eventually(
      async () => (await subscriberCount(redis.url, "interest:room")) === 0,
      5000,
      "unsubscribe",
    );
    // Core never asks to leave broadcast, but if a caller does, it is ignored.
    pubsub.unsubscribe(BROADCAST_TOPIC);
    pubsub.subscribe("room");
    pubsub.unsubscribe("room");
    pubsub.subscribe("room");
    await eventually(
      async () => (await subscriberCount(redis.url, "interest:room")) === 1,
      5000,
      "resubscribe",
    );
    expect(await subscriberCount(redis.url, broadcastChannel("interest:"))).toBe(1);
    expect([...pubsub.topics].sort()).toEqual([BROADCAST_TOPIC, "room"].sort());
  });

  it("ignores and counts foreign messages on its channels", async () => {
    const { pubsub, got, errors } = await adapter("foreign:");
    pubsub.subscribe("t");
    await eventually(
      async () => (await subscriberCount(redis.url, "foreign:t")) === 1,
      5000,
      "subscribe",
    );
    const client = createClient({ url: redis.url });
    client.on("error", () => {});
    await client.connect();
    await client.publish(channelOf("foreign:", "t"), "not an envelope");
    client.destroy();
    await eventually(() => pubsub.stats.malformed === 1, 5000, "the malformed message");
    expect(got).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ code: "MALFORMED_MESSAGE" })]);
  });

  it("start() rejects with a clear error when Redis is unreachable, after a bounded wait", async () => {
    const port = await freePort();
    const pubsub = redisPubSub({
      url: `redis://127.0.0.1:${port}`,
      connectTimeoutMs: 300,
      onError: () => {},
    });
    const failure = await pubsub.start(() => {}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RedisPubSubError);
    expect(failure).toMatchObject({ code: "UNREACHABLE" });
    expect((failure as Error).message).toMatch(
      new RegExp(
        `cannot reach Redis at redis://127\\.0\\.0\\.1:${port}.* within 300 ms.*ECONNREFUSED`,
      ),
    );
    expect(pubsub.connected).toBe(false);
    await pubsub.stop();
  });

  it("drops publishes before start and after stop; stop() closes both connections", async () => {
    const { pubsub } = await adapter("stop:");
    const clientsWith = async (name: string) => {
      const client = createClient({ url: redis.url });
      client.on("error", () => {});
      await client.connect();
      const list = await client.clientList();
      client.destroy();
      return list.filter((entry) => entry.name.includes(name)).length;
    };
    expect(await clientsWith(pubsub.nodeId)).toBe(2);
    await pubsub.stop();
    expect(pubsub.connected).toBe(false);
    await eventually(
      async () => (await clientsWith(pubsub.nodeId)) === 0,
      5000,
      "both connections to close",
    );
    pubsub.publish("t", Buffer.from("late"), false);
    expect(pubsub.stats.dropped).toBe(1);
    await pubsub.stop();
  });

  it("refuses bad options", () => {
    expect(() => redisPubSub({ url: "" })).toThrow(/url/);
    expect(() => redisPubSub({ url: "redis://127.0.0.1:1", connectTimeoutMs: 0 })).toThrow(
      /connectTimeoutMs/,
    );
    expect(() => redisPubSub({ url: "redis://127.0.0.1:1", nodeId: "" })).toThrow(/nodeId/);
    // A timer fires a delay past 2 ** 31 - 1 ms after 1 ms.
    expect(() => redisPubSub({ url: "redis://127.0.0.1:1", reconnectMaxDelayMs: 2 ** 31 })).toThrow(
      /reconnectMaxDelayMs/,
    );
    for (const handoffTimeoutMs of [0, Number.NaN, 2 ** 32]) {
      expect(() => redisPubSub({ url: "redis://127.0.0.1:1", handoffTimeoutMs })).toThrow(
        /handoffTimeoutMs/,
      );
    }
  });
});
