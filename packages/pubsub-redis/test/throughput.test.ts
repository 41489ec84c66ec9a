import { type RedisServer, startRedis } from "@switchboard/test-support/redis-server";
import { loadableUws } from "@switchboard/test-support/uws-builds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelOf, DEFAULT_PREFIX } from "../src/index.js";
import { Collector, eventually } from "./support/collector.js";
import { subscriberCount } from "./support/redis-probe.js";
import { type ServerProcess, startServerProcess } from "./support/server-process.js";

/**
 * Measures, and prints, how fast a burst of publishes reaches one subscriber: on the publishing
 * process without any adapter, on the publishing process with the Redis adapter, and on another
 * process through Redis. Rounds alternate; medians are printed. Nothing here asserts a speed.
 */
const MESSAGES = 20_000;
const ROUNDS = 3;
const BACKENDS = ["ws", "uws"] as const;
type BackendName = (typeof BACKENDS)[number];

let redis: RedisServer | undefined;
const withRedis = new Map<BackendName, ServerProcess>();
const alone = new Map<BackendName, ServerProcess>();

/** Messages per second from a burst on `from` to one subscriber on `to`. */
async function rate(
  from: ServerProcess,
  to: ServerProcess,
  topic: string,
  viaRedis: boolean,
): Promise<number> {
  const client = await Collector.connect(to.wsUrl(`/?topics=${topic}`));
  try {
    if (viaRedis) {
      const channel = channelOf(DEFAULT_PREFIX, topic);
      await eventually(
        async () => (await subscriberCount(redis!.url, channel)) === 1,
        10_000,
        channel,
      );
    } else {
      await eventually(async () => (await to.stats()).clients === 1, 10_000, "the subscriber");
    }
    const started = performance.now();
    await from.http(`/burst?topic=${topic}&count=${MESSAGES}&tag=t`);
    await client.waitFor(MESSAGES, 120_000);
    const seconds = (performance.now() - started) / 1000;
    expect(client.messages.length).toBe(MESSAGES);
    return MESSAGES / seconds;
  } finally {
    await client.close();
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const show = (values: number[]) =>
  `${Math.round(median(values))} msg/s [${values.map(Math.round).join(", ")}]`;

const uwsBuild = loadableUws();

describe.skipIf(!("engine" in uwsBuild))(
  `throughput: two processes through Redis vs one${"reason" in uwsBuild ? ` (cannot run: ${uwsBuild.reason})` : ""}`,
  () => {
    beforeAll(async () => {
      redis = await startRedis();
      for (const name of BACKENDS) {
        withRedis.set(name, await startServerProcess(name, redis.url));
        alone.set(name, await startServerProcess(name, "none"));
      }
    });
    afterAll(async () => {
      await Promise.all([...withRedis.values(), ...alone.values()].map((server) => server.stop()));
      await redis?.stop();
    });

    it("measures publish → subscriber rates, alternating rounds", async () => {
      const lines: string[] = [];
      let topic = 0;
      for (const receiver of BACKENDS) {
        const other: BackendName = receiver === "ws" ? "uws" : "ws";
        const noAdapter: number[] = [];
        const local: number[] = [];
        const remote: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          noAdapter.push(
            await rate(alone.get(receiver)!, alone.get(receiver)!, `tp${topic++}`, false),
          );
          local.push(
            await rate(withRedis.get(receiver)!, withRedis.get(receiver)!, `tp${topic++}`, true),
          );
          remote.push(
            await rate(withRedis.get(other)!, withRedis.get(receiver)!, `tp${topic++}`, true),
          );
        }
        lines.push(
          `subscriber on ${receiver}:\n` +
            `  one process, no adapter           ${show(noAdapter)}\n` +
            `  one process, Redis adapter         ${show(local)}\n` +
            `  from the ${other.padEnd(3)} process via Redis   ${show(remote)}\n` +
            `  two processes / one process: ${(median(remote) / median(noAdapter)).toFixed(2)} (vs no adapter), ` +
            `${(median(remote) / median(local)).toFixed(2)} (vs adapter, local delivery)`,
        );
      }
      console.log(
        `\n${MESSAGES} publishes of ~8 bytes to one subscriber, medians of ${ROUNDS} rounds:\n${lines.join("\n")}\n`,
      );
    });
  },
);
