// The recovery guide's sample: a client cut off without a close frame comes back through the
// same proxy and gets every tick, in order; the server sees one channel throughout.
import { WebSocketClient } from "@switchboard/client-node";
import { CutProxy, eventually } from "@switchboard/conformance";
import { startRedis } from "@switchboard/test-support/redis-server";
import { afterEach, describe, expect, it, vi } from "vitest";

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("recovery", () => {
  it("recovery-1: ticks published while the client was cut off arrive once, in order", async () => {
    const logs: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => logs.push(line));
    const { main, ticker } = await import("../docs/recovery-1.js");
    const server = await main(0);
    cleanups.push(() => server.close());
    const proxy = await CutProxy.open(server.address?.port ?? 0);
    cleanups.push(() => proxy.close());
    const ticks: string[] = [];
    const client = await ticker(proxy.wsUrl(), (tick) => ticks.push(tick));
    cleanups.push(() => client.close());
    expect(logs).toEqual(["new session"]);
    server.publish("ticks", "1");
    await eventually(() => ticks.length === 1, 5000, "the first tick");
    proxy.cut();
    server.publish("ticks", "2");
    server.publish("ticks", "3");
    await eventually(() => logs.includes("resumed: nothing missed"), 10_000, "the resume");
    server.publish("ticks", "4");
    await eventually(() => ticks.length === 4, 5000, "four ticks");
    expect(ticks).toEqual(["1", "2", "3", "4"]);
    expect(logs).toContain("channel 1 is back");
    expect(logs).not.toContain("channel 1 is gone");
    expect(server.clientCount).toBe(1);
  });

  it("recovery-2: a client cut off from one server resumes on another through Redis, missing nothing", async () => {
    const logs: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => logs.push(line));
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const { main } = await import("../docs/recovery-2.js");
    const one = await main(0, redis.url);
    cleanups.push(() => one.close());
    const two = await main(0, redis.url);
    cleanups.push(() => two.close());
    const proxy = await CutProxy.open(one.address?.port ?? 0);
    cleanups.push(() => proxy.close());
    const ticks: string[] = [];
    const client = new WebSocketClient({
      reconnect: { initialDelay: 20 },
      recover: true,
      onMessage: (tick) => ticks.push(tick),
    });
    cleanups.push(() => client.close());
    await client.connect(proxy.wsUrl("/ada"));
    one.publish("ticks", "1");
    await eventually(() => ticks.length === 1, 5000, "the first tick");
    proxy.target = two.address?.port ?? 0;
    proxy.cut();
    one.publish("ticks", "2");
    await eventually(() => logs.includes("ada resumed here, on ticks"), 10_000, "the resume");
    two.publish("ticks", "3");
    await eventually(() => ticks.length === 3, 5000, "three ticks");
    expect(ticks).toEqual(["1", "2", "3"]);
    expect(client.recovered).toBe(true);
    // The first server let go of the channel without announcing it as gone.
    expect(one.clientCount).toBe(0);
    expect(two.clientCount).toBe(1);
  });
});
