import { type RedisServer, startRedis } from "@switchboard/test-support/redis-server";
import { loadableUws } from "@switchboard/test-support/uws-builds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channelOf, DEFAULT_PREFIX } from "../src/index.js";
import { Collector, eventually } from "./support/collector.js";
import { subscriberCount } from "./support/redis-probe.js";
import { sequences, upTo } from "./support/sequences.js";
import { bunMissing, type ServerProcess, startServerProcess } from "./support/server-process.js";

const MESSAGES = 10_000;

let redis: RedisServer | undefined;
let ws: ServerProcess | undefined;
let other: ServerProcess | undefined;
const clients: Collector[] = [];

async function connect(server: ServerProcess, path: string): Promise<Collector> {
  const client = await Collector.connect(server.wsUrl(path));
  clients.push(client);
  return client;
}

/** Waits until both server processes have subscribed `topic`'s Redis channel. */
async function bothSubscribed(topic: string): Promise<void> {
  const channel = channelOf(DEFAULT_PREFIX, topic);
  await eventually(
    async () => (await subscriberCount(redis!.url, channel)) === 2,
    10_000,
    `two subscribers of ${channel}`,
  );
}

const uwsBuild = loadableUws();
/** The ws process is paired with each other engine in turn, the same cases for both. */
const pairs = [
  {
    name: "uws",
    label: "a uWS process",
    missing: "reason" in uwsBuild ? uwsBuild.reason : undefined,
  },
  { name: "bun", label: "a Bun process", missing: bunMissing },
] as const;

for (const { name: otherName, label, missing } of pairs)
  describe.skipIf(missing !== undefined)(
    `scale-out through Redis: a ws process and ${label}${missing ? ` (cannot run: ${missing})` : ""}`,
    () => {
      beforeAll(async () => {
        redis = await startRedis();
        [ws, other] = await Promise.all([
          startServerProcess("ws", redis.url),
          startServerProcess(otherName, redis.url),
        ]);
      });

      afterAll(async () => {
        await Promise.all(clients.splice(0).map((client) => client.close()));
        await Promise.all([ws?.stop(), other?.stop()]);
        await redis?.stop();
      });

      it(`delivers ${MESSAGES} publishes from each process to the other exactly once and in order`, async () => {
        const onWs = await connect(ws!, "/?topics=seq");
        const onOther = await connect(other!, "/?topics=seq");
        await bothSubscribed("seq");

        await Promise.all([
          ws!.http(`/burst?topic=seq&count=${MESSAGES}&tag=ws`),
          other!.http(`/burst?topic=seq&count=${MESSAGES}&tag=${otherName}`),
        ]);
        await Promise.all([
          onWs.waitFor(2 * MESSAGES, 60_000),
          onOther.waitFor(2 * MESSAGES, 60_000),
        ]);
        expect(await onWs.nothingBeyond(2 * MESSAGES, 300)).toBe(true);
        expect(await onOther.nothingBeyond(2 * MESSAGES, 0)).toBe(true);

        for (const client of [onWs, onOther]) {
          const byTag = sequences(client.texts);
          // Own messages once (local delivery), the other's once (through Redis), each in order.
          expect([...byTag.keys()].sort()).toEqual([otherName, "ws"].sort());
          expect(byTag.get("ws")).toEqual(upTo(MESSAGES));
          expect(byTag.get(otherName)).toEqual(upTo(MESSAGES));
        }
        const [wsStats, otherStats] = await Promise.all([ws!.stats(), other!.stats()]);
        expect(wsStats.received).toBeGreaterThanOrEqual(MESSAGES);
        expect(otherStats.received).toBeGreaterThanOrEqual(MESSAGES);
        expect(wsStats.malformed + otherStats.malformed).toBe(0);
      });

      it("broadcast reaches every client of both processes once, subscribed or not", async () => {
        const sender = await connect(ws!, "/");
        const others = await Promise.all([
          connect(ws!, "/"),
          connect(other!, "/"),
          connect(other!, "/?topics=x"),
        ]);
        await eventually(
          async () => (await ws!.stats()).clients >= 2 && (await other!.stats()).clients >= 2,
          5000,
          "clients",
        );
        sender.send("bcast hello everyone");
        for (const client of [sender, ...others]) await client.waitFor(1);
        for (const client of [sender, ...others]) {
          expect(await client.nothingBeyond(1, 200)).toBe(true);
          expect(client.texts).toEqual(["hello everyone"]);
        }
      });

      it("carries binary payloads byte-exact, and text as text", async () => {
        const sender = await connect(other!, "/");
        const receiver = await connect(ws!, "/?topics=bin,text");
        await Promise.all([bothSubscribedOrOne("bin"), bothSubscribedOrOne("text")]);
        const bytes = new Uint8Array(70_000);
        for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
        bytes.set([0xff, 0xfe, 0x00, 0xc3, 0x28], 0); // not UTF-8, a NUL: must survive untouched
        sender.send(bytes);
        sender.send("pub text héllo wörld ✓ 🚀");
        await receiver.waitFor(2);
        const [binary, text] = receiver.messages;
        expect(binary!.binary).toBe(true);
        expect(Buffer.compare(binary!.data, Buffer.from(bytes))).toBe(0);
        expect(text!.binary).toBe(false);
        expect(text!.data.toString("utf8")).toBe("héllo wörld ✓ 🚀");
      });

      it("survives a Redis restart: local delivery and HTTP go on, cross-process traffic resumes", async () => {
        const localA = await connect(ws!, "/?topics=room");
        const localB = await connect(ws!, "/?topics=room");
        const remote = await connect(other!, "/?topics=room");
        await bothSubscribed("room");

        const port = redis!.port;
        await redis!.stop();
        redis = undefined;
        // Both connections of both processes must have noticed before the outage publish below.
        await eventually(
          async () =>
            (await ws!.stats()).disconnects >= 2 && (await other!.stats()).disconnects >= 2,
          10_000,
          "both processes to notice",
        );

        // During the outage: HTTP answers, and a publish reaches the local subscribers once.
        expect(await ws!.http("/ping")).toBe("pong");
        expect(await other!.http("/ping")).toBe("pong");
        const publisher = await connect(ws!, "/");
        publisher.send("pub room during outage");
        await Promise.all([localA.waitFor(1), localB.waitFor(1)]);
        expect(localA.texts).toEqual(["during outage"]);
        expect(localB.texts).toEqual(["during outage"]);
        await eventually(
          async () => (await ws!.stats()).dropped >= 1,
          5000,
          "the drop to be counted",
        );
        expect(ws!.stderr()).toMatch(/CONNECTION_LOST/);
        expect(ws!.stderr()).toMatch(/PUBLISH_DROPPED/);
        expect(other!.stderr()).toMatch(/CONNECTION_LOST/);

        redis = await startRedis(port);
        await eventually(
          async () => (await ws!.stats()).connected && (await other!.stats()).connected,
          15_000,
          "reconnection",
        );
        await bothSubscribed("room");
        expect(await remote.nothingBeyond(0, 0)).toBe(true); // the outage publish is lost, not replayed

        publisher.send("pub room after recovery");
        const fromOther = await connect(other!, "/");
        fromOther.send(`pub room from ${otherName} after recovery`);
        await Promise.all([localA.waitFor(3), localB.waitFor(3), remote.waitFor(2)]);
        expect(localA.texts.slice(1).sort()).toEqual([
          "after recovery",
          `from ${otherName} after recovery`,
        ]);
        expect(remote.texts.sort()).toEqual(["after recovery", `from ${otherName} after recovery`]);
        expect(await remote.nothingBeyond(2, 200)).toBe(true);
        expect(ws!.stderr()).toMatch(/publishes were dropped during the outage/);
      });
    },
  );

/** The receiver's process subscribed (the sender's may not have: it has no subscriber). */
async function bothSubscribedOrOne(topic: string): Promise<void> {
  const channel = channelOf(DEFAULT_PREFIX, topic);
  await eventually(
    async () => (await subscriberCount(redis!.url, channel)) >= 1,
    10_000,
    `a subscriber of ${channel}`,
  );
}
