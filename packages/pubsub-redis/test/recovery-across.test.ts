import { WebSocketClient } from "@switchboard/client-node";
import { CutProxy } from "@switchboard/conformance";
import { type RedisServer, startRedis } from "@switchboard/test-support/redis-server";
import { loadableUws } from "@switchboard/test-support/uws-builds";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { channelOf, DEFAULT_PREFIX } from "../src/index.js";
import type { BackendName } from "./fixtures/backend.js";
import { eventually } from "./support/collector.js";
import { subscriberCount } from "./support/redis-probe.js";
import { sequences, upTo } from "./support/sequences.js";
import { bunMissing, type ServerProcess, startServerProcess } from "./support/server-process.js";

/** What the fixture's hooks saw (GET /events). */
interface Events {
  opened: string[];
  recovered: { name: string; data: { name: string; openedOn: string }; topics: string[] }[];
  closed: { name: string; code: number; reason: string }[];
  got: Record<string, string[]>;
}

const FIXTURE = "recovery-server.ts";
const uwsBuild = loadableUws();
const uwsMissing = "reason" in uwsBuild ? uwsBuild.reason : undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function events(server: ServerProcess): Promise<Events> {
  return JSON.parse(await server.http("/events")) as Events;
}

/** A recovering Node client that records what it receives and every open. */
function recoveringClient() {
  const received: string[] = [];
  const opens: boolean[] = [];
  const errors: unknown[] = [];
  const client: WebSocketClient = new WebSocketClient({
    recover: true,
    reconnect: { initialDelay: 20, maxDelay: 100 },
    maxUnreadMessages: 1_000_000,
    maxQueuedMessages: 10_000,
    onMessage: (text) => received.push(text),
    onOpen: () => opens.push(client.recovered),
    onError: (error) => errors.push(error),
  });
  return { client, received, opens, errors };
}

/** Redis's call counts per command since the last `CONFIG RESETSTAT`. */
async function commandStats(url: string): Promise<Record<string, number>> {
  const { createClient } = await import("redis");
  const client = createClient({ url });
  client.on("error", () => {});
  await client.connect();
  try {
    const info = await client.info("commandstats");
    const calls: Record<string, number> = {};
    for (const match of info.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)) {
      calls[match[1]!] = Number(match[2]);
    }
    return calls;
  } finally {
    client.destroy();
  }
}

async function resetStats(url: string): Promise<void> {
  const { createClient } = await import("redis");
  const client = createClient({ url });
  client.on("error", () => {});
  await client.connect();
  await client.configResetStat();
  client.destroy();
}

let redis: RedisServer | undefined;
const servers: ServerProcess[] = [];
const proxies: CutProxy[] = [];
const clients: WebSocketClient[] = [];

async function serverOn(backend: BackendName, ...args: string[]): Promise<ServerProcess> {
  const server = await startServerProcess(backend, redis!.url, { fixture: FIXTURE, args });
  servers.push(server);
  return server;
}

async function proxyTo(server: ServerProcess): Promise<CutProxy> {
  const proxy = await CutProxy.open(server.port);
  proxies.push(proxy);
  return proxy;
}

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => {})));
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await Promise.all(servers.map((server) => server.stop()));
  await redis?.stop();
});

describe("recovery across processes, through Redis", () => {
  let wsA: ServerProcess;
  let wsB: ServerProcess;
  let uws: ServerProcess | undefined;
  let bun: ServerProcess | undefined;

  beforeAll(async () => {
    [wsA, wsB, uws, bun] = await Promise.all([
      serverOn("ws"),
      serverOn("ws"),
      uwsMissing ? Promise.resolve(undefined) : serverOn("uws"),
      bunMissing ? Promise.resolve(undefined) : serverOn("bun"),
    ]);
  });

  type Name = "wsA" | "wsB" | "uws" | "bun";
  /** Why a process cannot run here, for the moves that need it. */
  const missing: Partial<Record<Name, string>> = { uws: uwsMissing, bun: bunMissing };
  const moves: [from: Name, to: Name][] = [
    ["wsA", "uws"],
    ["uws", "wsA"],
    ["wsA", "wsB"],
    ["wsA", "bun"],
    ["bun", "uws"],
  ];
  for (const [fromName, toName] of moves) {
    const cannot = missing[fromName] ?? missing[toName];
    it.skipIf(cannot !== undefined)(
      `${fromName} → ${toName}: a cut client resumes on the other process, every message once, in order, both ways${cannot ? ` (cannot run: ${cannot})` : ""}`,
      async () => {
        const all = { wsA, wsB, uws, bun };
        const from = all[fromName]!;
        const to = all[toName]!;
        const third = Object.values(all).find(
          (server) => server && server !== from && server !== to,
        );
        const name = `alice-${fromName}-${toName}`;
        const proxy = await proxyTo(from);
        const { client, received, opens, errors } = recoveringClient();
        clients.push(client);
        await client.connect(proxy.wsUrl(`/?name=${name}&topics=room-${name}`));
        const room = `room-${name}`;
        await eventually(
          async () => (await subscriberCount(redis!.url, channelOf(DEFAULT_PREFIX, room))) >= 1,
          10_000,
          "the old process to subscribe the room",
        );

        // Through the move: publishes from the old owner, from the new one and broadcasts
        // from a third process, direct sends from the old owner (some held while away), and
        // the client's own messages.
        const COUNT = 3000;
        const slow = "batch=10";
        const generators = [
          from.http(`/publish?topic=${room}&tag=pf&count=${COUNT}&${slow}`),
          to.http(`/publish?topic=${room}&tag=pt&count=${COUNT}&${slow}`),
          (third ?? to).http(`/broadcast?tag=bx&count=${COUNT}&${slow}`),
        ];
        const direct = from.http(`/send?name=${name}&tag=d&count=2000&batch=20`);
        const CLIENT_COUNT = 500;
        const sending = (async () => {
          for (let i = 0; i < CLIENT_COUNT; i++) {
            client.send(`c:${i}`);
            if (i % 10 === 9) await sleep(1);
          }
        })();

        await eventually(() => received.length >= 1500, 20_000, "traffic before the cut");
        proxy.target = to.port;
        expect(proxy.cut()).toBe(1);
        await eventually(() => opens.length >= 2, 20_000, "the client back on the new process");
        expect(opens).toEqual([false, true]);

        const { sent } = JSON.parse(await direct) as { sent: number };
        await Promise.all([...generators, sending]);
        // The rest of the direct sends come from where the channel is now.
        const after = JSON.parse(
          await to.http(`/send?name=${name}&tag=d&from=${sent}&count=1000`),
        ) as { sent: number };
        expect(after.sent).toBe(1000);

        const expected = 3 * COUNT + sent + 1000;
        await eventually(() => received.length >= expected, 30_000, `${expected} messages`);
        await eventually(
          async () => {
            const [old, now] = await Promise.all([events(from), events(to)]);
            return (old.got[name]?.length ?? 0) + (now.got[name]?.length ?? 0) >= CLIENT_COUNT;
          },
          20_000,
          "the client's messages",
        );
        await sleep(200);

        const byTag = sequences(received);
        expect([...byTag.keys()].sort()).toEqual(["bx", "d", "pf", "pt"]);
        expect(byTag.get("pf")).toEqual(upTo(COUNT));
        expect(byTag.get("pt")).toEqual(upTo(COUNT));
        expect(byTag.get("bx")).toEqual(upTo(COUNT));
        expect(byTag.get("d")).toEqual(upTo(sent + 1000));
        expect(received).toHaveLength(expected);

        const [old, now] = await Promise.all([events(from), events(to)]);
        expect([...(old.got[name] ?? []), ...(now.got[name] ?? [])]).toEqual(
          upTo(CLIENT_COUNT).map((i) => `c:${i}`),
        );
        // The channel moved: onWsRecover on the new process with its data and topics; on the
        // old one it ended with "recovered elsewhere"; onWsOpen ran once, on the old one.
        expect(now.recovered).toContainEqual({
          name,
          data: { name, openedOn: from.nodeId },
          topics: [room],
        });
        expect(now.opened).not.toContain(name);
        expect(old.opened.filter((opened) => opened === name)).toHaveLength(1);
        expect(old.closed).toContainEqual({ name, code: 1001, reason: "recovered elsewhere" });
        expect(now.closed.filter((closed) => closed.name === name)).toEqual([]);
        expect(errors).toEqual([]);
        await client.close();
      },
    );
  }

  it("a hello for messages the stream no longer holds: a new session, the old channel ends", async () => {
    const to = uws ?? wsB;
    const first = await rawRecovering(wsA.wsUrl("/?name=raw-old"));
    const hello = await first.control();
    expect(hello[0]).toBe("welcome");
    const session = hello[1] as string;
    await wsA.http("/send?name=raw-old&tag=r&count=300");
    await eventually(() => first.data.length === 300, 10_000, "300 messages");
    // Acknowledged: the stream forgets them.
    first.ws.send('\x1f["ack",300]');
    await sleep(100);
    await wsA.http("/send?name=raw-old&tag=r&from=300&count=1");
    await eventually(() => first.data.length === 301, 10_000, "message 301");
    first.ws.terminate();

    const second = await rawRecovering(to.wsUrl("/?name=raw-new"), [session, 100]);
    const welcome = await second.control();
    expect(welcome[0]).toBe("welcome");
    expect(welcome[2]).toBe(false);
    expect(welcome[1]).not.toBe(session);
    await eventually(
      async () => (await events(wsA)).closed.some((closed) => closed.name === "raw-old"),
      10_000,
      "the old channel to end",
    );
    expect((await events(wsA)).closed).toContainEqual({
      name: "raw-old",
      code: 1006,
      reason: "recovery failed",
    });
    expect((await events(to)).opened).toContain("raw-new");
    second.ws.terminate();
  });

  it("two processes claim one session at once: exactly one resumes it, the other starts a new session", async () => {
    const third = await serverOn("ws");
    const first = await rawRecovering(wsA.wsUrl("/?name=raw-twice"));
    const hello = await first.control();
    const session = hello[1] as string;
    await wsA.http("/send?name=raw-twice&tag=t&count=5");
    await eventually(() => first.data.length === 5, 10_000, "5 messages");
    first.ws.terminate();
    // A client that gave up on one attempt and tried another server: both hellos name the session.
    const claims = await Promise.all([
      rawRecovering(wsB.wsUrl("/?name=raw-twice-b"), [session, 2]),
      rawRecovering(third.wsUrl("/?name=raw-twice-c"), [session, 2]),
    ]);
    const welcomes = await Promise.all(claims.map((claim) => claim.control()));
    await sleep(300);
    // One holder at a time: either the other socket got a new session, or the session moved on
    // to it and the first was dropped. Never two sockets carrying one session.
    const carriers = claims.filter(
      (claim, i) => welcomes[i]![2] === true && claim.ws.readyState === WebSocket.OPEN,
    );
    expect(carriers).toHaveLength(1);
    expect(welcomes.every((welcome) => welcome[2] === false || welcome[1] === session)).toBe(true);
    // The one that holds it resent what the client lacked, once.
    expect(carriers[0]!.data).toEqual(["t:2", "t:3", "t:4"]);
    for (const claim of claims) claim.ws.terminate();
  });

  it("Redis commands per message: one XADD per message and recipient, nothing per inbound message", async () => {
    const fig = "fig";
    const one = recoveringClient();
    const two = recoveringClient();
    clients.push(one.client, two.client);
    await one.client.connect(wsA.wsUrl(`/?name=${fig}1&topics=${fig}`));
    await two.client.connect(wsA.wsUrl(`/?name=${fig}2&topics=${fig}`));
    await eventually(
      async () => (await events(wsA)).opened.includes(`${fig}2`),
      5000,
      "both channels",
    );
    const N = 1000;
    const figures: Record<string, Record<string, number>> = {};

    await resetStats(redis!.url);
    await wsA.http(`/send?name=${fig}1&tag=s&count=${N}`);
    await eventually(() => one.received.length >= N, 10_000, "the direct sends");
    await sleep(200);
    figures["direct send"] = await commandStats(redis!.url);

    await resetStats(redis!.url);
    await wsA.http(`/publish?topic=${fig}&tag=p&count=${N}`);
    await eventually(
      () => one.received.length >= 2 * N && two.received.length >= N,
      10_000,
      "the publishes",
    );
    await sleep(200);
    figures["publish to 2 recovering channels"] = await commandStats(redis!.url);

    await resetStats(redis!.url);
    for (let i = 0; i < N; i++) one.client.send(`in:${i}`);
    await eventually(
      async () => ((await events(wsA)).got[`${fig}1`]?.length ?? 0) >= N,
      10_000,
      "the inbound messages",
    );
    await sleep(200);
    figures.inbound = await commandStats(redis!.url);

    // A quiet move, then a quiet resume on the same process.
    const mover = recoveringClient();
    clients.push(mover.client);
    const proxy = await proxyTo(wsA);
    await mover.client.connect(proxy.wsUrl(`/?name=${fig}3&topics=${fig}-a,${fig}-b`));
    await sleep(300);
    await resetStats(redis!.url);
    proxy.target = wsB.port;
    proxy.cut();
    await eventually(() => mover.opens.length >= 2, 10_000, "the move");
    await sleep(300);
    figures["resume on another process (2 topics)"] = await commandStats(redis!.url);
    await resetStats(redis!.url);
    proxy.cut();
    await eventually(() => mover.opens.length >= 3, 10_000, "the resume");
    await sleep(300);
    figures["resume on the same process"] = await commandStats(redis!.url);
    expect(mover.opens).toEqual([false, true, true]);

    console.log(`Redis commands for ${N} messages:`, JSON.stringify(figures, null, 1));
    const direct = figures["direct send"]!;
    expect(direct.xadd).toBe(N);
    // Acknowledgements trim the stream every 128 messages or 50 ms, not per message.
    expect(direct.xtrim ?? 0).toBeLessThan(N / 10);
    const published = figures["publish to 2 recovering channels"]!;
    expect(published.xadd).toBe(2 * N);
    expect(published.publish).toBe(N);
    const inbound = figures.inbound!;
    expect(inbound.xadd ?? 0).toBe(0);
    expect(inbound.hset ?? 0).toBeLessThan(N / 10);
  });
});

describe("recovery across processes: when it cannot recover, and after a crash", () => {
  it("after the window: not recovered, the old process ran onWsClose, the new one onWsOpen", async () => {
    const [from, to] = await Promise.all([serverOn("ws", "400"), serverOn("ws", "400")]);
    const proxy = await proxyTo(from);
    const { client, opens } = recoveringClient();
    clients.push(client);
    await client.connect(proxy.wsUrl("/?name=late"));
    proxy.target = 1;
    proxy.cut();
    await eventually(
      async () => (await events(from)).closed.some((closed) => closed.name === "late"),
      10_000,
      "the window to pass",
    );
    expect((await events(from)).closed).toContainEqual({
      name: "late",
      code: 1006,
      reason: expect.any(String),
    });
    proxy.target = to.port;
    await eventually(() => opens.length >= 2, 20_000, "a new session");
    expect(opens).toEqual([false, false]);
    expect((await events(to)).opened).toContain("late");
    expect((await events(to)).recovered).toEqual([]);
    await client.close();
  });

  it("a holder that does not answer in time (frozen): the new process resumes from Redis, and the late release overwrites nothing", async () => {
    const { from, to, proxy, client, received, opens } = await awayWithHeld("frozen", "f", 50, [
      "0",
      "0",
      "300",
    ]);
    // Still connected to Redis, but it hears nothing until it is woken.
    process.kill(from.pid, "SIGSTOP");
    try {
      proxy.target = to.port;
      await eventually(() => opens.length >= 2, 20_000, "the client back");
      expect(opens).toEqual([false, true]);
      await eventually(() => received.length >= 100, 10_000, "the held messages");
    } finally {
      process.kill(from.pid, "SIGCONT");
    }
    await eventually(
      async () => (await events(from)).closed.some((closed) => closed.name === "frozen"),
      10_000,
      "the late release",
    );
    // The new holder's state stands: a publish reaches the client through it.
    const { createClient } = await import("redis");
    const probe = createClient({ url: redis!.url });
    probe.on("error", () => {});
    await probe.connect();
    const keys = await probe.keys("switchboard:recovery:*");
    const owners = await Promise.all(
      keys.filter((key) => !key.endsWith(":messages")).map((key) => probe.hGet(key, "owner")),
    );
    probe.destroy();
    expect(owners).toContain(to.nodeId);
    expect(owners).not.toContain(from.nodeId);
    await to.http("/publish?topic=frozen-room&tag=g&count=10");
    await eventually(() => received.length >= 110, 10_000, "a publish after the move");
    const byTag = sequences(received);
    expect(byTag.get("f")).toEqual(upTo(100));
    expect(byTag.get("g")).toEqual(upTo(10));
    await client.close();
  });

  it("the owner shuts down (a restart, a rolling deploy) while its client is away: the next process resumes it, held messages included", async () => {
    const away = await awayWithHeld("deploy", "d", 100);
    // A graceful close (SIGTERM: server.close()) leaves the session in Redis, not deleted.
    await away.from.stop();
    const now = await resumesWithHeld(away, "deploy", "d", 100);
    expect(now.opened).not.toContain("deploy");
    await away.client.close();
  });

  it("the owner shuts down while its client is connected: the client comes back (1001) to the next process and recovers", async () => {
    const [from, to] = await Promise.all([serverOn("ws"), serverOn("ws")]);
    const proxy = await proxyTo(from);
    const { client, received, opens } = recoveringClient();
    clients.push(client);
    await client.connect(proxy.wsUrl("/?name=rolling&topics=rolling-room"));
    await from.http("/send?name=rolling&tag=r&count=100");
    await eventually(() => received.length >= 100, 10_000, "the first 100");
    proxy.target = to.port;
    await from.stop();
    await eventually(() => opens.length >= 2, 20_000, "the client back");
    expect(opens).toEqual([false, true]);
    await to.http("/publish?topic=rolling-room&tag=r2&count=10");
    await eventually(() => received.length >= 110, 10_000, "a publish after the move");
    const byTag = sequences(received);
    expect(byTag.get("r")).toEqual(upTo(100));
    expect(byTag.get("r2")).toEqual(upTo(10));
    expect((await events(to)).opened).not.toContain("rolling");
    await client.close();
  });

  it("the owner crashed while its client was away: the new process resumes from what Redis holds", async () => {
    const away = await awayWithHeld("crash", "k", 100);
    const { from } = away;
    // The process dies without a word.
    process.kill(from.pid, "SIGKILL");
    await eventually(
      () =>
        from.http("/ping").then(
          () => false,
          () => true,
        ),
      5000,
      "the crash",
    );
    await resumesWithHeld(away, "crash", "k", 100);
    await away.client.close();
  });
});

/**
 * Two ws processes; a client named `name` on the first, subscribed to `<name>-room`, that got
 * `count` messages tagged `tag`, then was cut off (and kept out) while `count` more were held.
 */
async function awayWithHeld(name: string, tag: string, count: number, args: string[] = []) {
  const [from, to] = await Promise.all([serverOn("ws", ...args), serverOn("ws", ...args)]);
  const proxy = await proxyTo(from);
  const recovering = recoveringClient();
  clients.push(recovering.client);
  await recovering.client.connect(proxy.wsUrl(`/?name=${name}&topics=${name}-room`));
  await from.http(`/send?name=${name}&tag=${tag}&count=${count}`);
  await eventually(() => recovering.received.length >= count, 10_000, `the first ${count}`);
  proxy.target = 1;
  proxy.cut();
  await sleep(100);
  await from.http(`/send?name=${name}&tag=${tag}&from=${count}&count=${count}`);
  await sleep(100);
  return { from, to, proxy, ...recovering };
}

/**
 * The client of `awayWithHeld(name, tag, count)` comes back through its proxy to the second
 * process: it recovers, gets the `count` messages held for it, then a publish to its room made
 * there (tagged `<tag>2`), each once and in order. Returns what the second process's hooks saw.
 */
async function resumesWithHeld(
  away: Awaited<ReturnType<typeof awayWithHeld>>,
  name: string,
  tag: string,
  count: number,
): Promise<Events> {
  const { to, proxy, received, opens } = away;
  proxy.target = to.port;
  await eventually(() => opens.length >= 2, 20_000, "the client back");
  expect(opens).toEqual([false, true]);
  await eventually(() => received.length >= 2 * count, 10_000, "the held messages");
  await to.http(`/publish?topic=${name}-room&tag=${tag}2&count=10`);
  await eventually(() => received.length >= 2 * count + 10, 10_000, "a publish after the move");
  const byTag = sequences(received);
  expect(byTag.get(tag)).toEqual(upTo(2 * count));
  expect(byTag.get(`${tag}2`)).toEqual(upTo(10));
  const now = await events(to);
  expect(now.recovered.map((recovered) => recovered.topics)).toEqual([[`${name}-room`]]);
  return now;
}

/** A bare `switchboard.recovery.v1` client: its hello, then control and data messages apart. */
async function rawRecovering(url: string, resume: [string, number] | [null, number] = [null, 0]) {
  const ws = new WebSocket(url, "switchboard.recovery.v1");
  const controls: unknown[][] = [];
  const data: string[] = [];
  const waiters: (() => void)[] = [];
  ws.on("error", () => {});
  ws.on("message", (message: Buffer, binary: boolean) => {
    const text = message.toString("utf8");
    if (!binary && text.startsWith("\x1f") && !text.startsWith("\x1f\x1f")) {
      controls.push(JSON.parse(text.slice(1)) as unknown[]);
      waiters.shift()?.();
    } else data.push(text);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  ws.send(`\x1f${JSON.stringify(["hello", ...resume])}`);
  let read = 0;
  return {
    ws,
    data,
    /** The next control message. */
    async control(): Promise<unknown[]> {
      if (controls.length <= read) {
        await Promise.race([
          new Promise<void>((resolve) => waiters.push(resolve)),
          sleep(10_000).then(() => {
            throw new Error("no control message within 10 s");
          }),
        ]);
      }
      return controls[read++]!;
    },
  };
}
