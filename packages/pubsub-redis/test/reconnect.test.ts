import { BROADCAST_TOPIC } from "@switchboard/core/pubsub";
import { type RedisServer, startRedis } from "@switchboard/test-support/redis-server";
import { afterAll, describe, expect, it } from "vitest";
import { broadcastChannel, redisPubSub } from "../src/index.js";
import { eventually } from "./support/collector.js";
import { subscriberCount } from "./support/redis-probe.js";

let redis: RedisServer | undefined;

describe("redisPubSub across a Redis restart", () => {
  afterAll(async () => {
    await redis?.stop();
  });

  it("reports the outage, drops (and counts) publishes, then resubscribes exactly the current interest", async () => {
    redis = await startRedis();
    const { port, url } = redis;
    const errors: { code?: string; message: string }[] = [];
    const pubsub = redisPubSub({
      url,
      prefix: "r:",
      reconnectMinDelayMs: 20,
      reconnectMaxDelayMs: 200,
      onError: (error) => errors.push(error as { code?: string; message: string }),
    });
    await pubsub.start(() => {});
    try {
      pubsub.subscribe("kept");
      pubsub.subscribe("left");
      await eventually(
        async () => (await subscriberCount(url, "r:left")) === 1,
        5000,
        "subscriptions",
      );

      await redis.stop();
      redis = undefined;
      // Both connections must have noticed, or a publish could still go to a dying socket.
      await eventually(() => pubsub.stats.disconnects === 2, 5000, "both connections to notice");
      // Interest changes while Redis is away are remembered, not queued as commands.
      pubsub.unsubscribe("left");
      pubsub.subscribe("joined");
      for (let i = 0; i < 100; i++) pubsub.publish("kept", Buffer.from(`lost ${i}`), false);
      expect(pubsub.stats.dropped).toBe(100);
      expect(errors.filter((error) => error.code === "CONNECTION_LOST")).toHaveLength(2);
      expect(errors.filter((error) => error.code === "PUBLISH_DROPPED")).toHaveLength(1);

      redis = await startRedis(port);
      await eventually(() => pubsub.connected, 10_000, "reconnection");
      await eventually(
        async () => (await subscriberCount(url, "r:joined")) === 1,
        5000,
        "the new topic",
      );
      expect(await subscriberCount(url, "r:kept")).toBe(1);
      expect(await subscriberCount(url, broadcastChannel("r:"))).toBe(1);
      await eventually(
        async () => (await subscriberCount(url, "r:left")) === 0,
        5000,
        "the abandoned topic to go",
      );
      expect([...pubsub.topics].sort()).toEqual([BROADCAST_TOPIC, "joined", "kept"].sort());
      await eventually(
        () => errors.some((error) => /100 publishes were dropped/.test(error.message)),
        5000,
        "the summary",
      );
      expect(pubsub.stats.disconnects).toBe(2);
    } finally {
      await pubsub.stop();
    }
  });
});
