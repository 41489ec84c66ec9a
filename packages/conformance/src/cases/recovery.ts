import { type Channel, Opcode, WebServer, type WebServerOptions } from "@switchboard/core";
import { afterEach, describe, expect } from "vitest";
import { eventually, sleep, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { CutProxy } from "../support/cut-proxy.js";
import { RECOVERY_PROTOCOL, RecoveringTestClient } from "../support/recovering-client.js";

/** Records every callback; each channel joins the topic "numbers". */
class Recorder extends WebServer<{ name: string }> {
  opened: Channel<{ name: string }>[] = [];
  recovered: Channel<{ name: string }>[] = [];
  closes: [id: number, code: number, reason: string][] = [];
  got: string[] = [];
  override onWsOpen(channel: Channel<{ name: string }>) {
    channel.data = { name: `channel ${channel.id}` };
    this.subscribe(channel, "numbers");
    this.opened.push(channel);
  }
  override onWsRecover(channel: Channel<{ name: string }>) {
    this.recovered.push(channel);
  }
  override onWsMessage(_channel: Channel, text: string) {
    this.got.push(text);
  }
  override onWsClose(channel: Channel, code: number, reason: string) {
    this.closes.push([channel.id, code, reason]);
  }
}

const numbers = (count: number, prefix = "") =>
  Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

/** Connection state recovery (`recovery` on the server, `switchboard.recovery.v1` on the wire). */
export function recoveryCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("recovery", () => {
    const proxies: CutProxy[] = [];
    const clients: RecoveringTestClient[] = [];
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    });
    const start = async (
      recovery: WebServerOptions["recovery"],
      options: Omit<WebServerOptions, "backend" | "recovery"> = {},
    ) => {
      const running = await ctx.start((backend) => new Recorder({ ...options, backend, recovery }));
      const proxy = await CutProxy.open(running.address.port);
      proxies.push(proxy);
      return { ...running, proxy };
    };
    const connect = async (url: string) => {
      const client = await RecoveringTestClient.connect(url);
      clients.push(client);
      return client;
    };

    it("five cuts while the server sends 10,000 messages and the client 1,000: each exactly once, in order", async () => {
      const { server, proxy } = await start(true);
      const client = await connect(proxy.wsUrl("/numbers"));
      await eventually(() => server.opened.length === 1, 5000, "onWsOpen");
      const channel = server.opened[0]!;
      let cuts = 0;
      // Direct sends, publishes to the channel's topic and broadcasts, in turn, in batches at
      // full speed; the client sends one message per ten; every 1,700 messages the link is cut.
      for (let n = 1; n <= 10_000; n++) {
        const text = String(n);
        if (n % 3 === 0) server.broadcast(text);
        else if (n % 3 === 1) server.publish("numbers", text);
        else server.send(channel, text);
        if (n % 10 === 0) client.send(`c${n / 10}`);
        if (n % 1700 === 0 && cuts < 5) {
          proxy.cut();
          cuts++;
        }
        if (n % 250 === 0) await sleep(1);
      }
      await eventually(
        () => client.received.length >= 10_000 && server.got.length >= 1000,
        20_000,
        "every message on both sides",
      );
      await sleep(50);
      expect(cuts).toBe(5);
      expect(proxy.accepted).toBeGreaterThanOrEqual(6);
      expect(client.received).toEqual(numbers(10_000));
      expect(server.got).toEqual(numbers(1000, "c"));
      // One session: opened once, recovered after every cut that the server noticed, never closed.
      expect(server.opened).toHaveLength(1);
      expect(server.closes).toEqual([]);
      expect(server.recovered.length).toBeGreaterThanOrEqual(1);
      expect(server.recovered.every((recovered) => recovered === channel)).toBe(true);
      expect(client.welcomes.slice(1).every((welcome) => welcome.recovered)).toBe(true);
      expect(new Set(client.welcomes.map((welcome) => welcome.session)).size).toBe(1);
      expect(channel.data).toEqual({ name: `channel ${channel.id}` });
      expect([...server.topicsOf(channel)]).toEqual(["numbers"]);
      expect(server.clientCount).toBe(1);
    });

    it("sends to an away channel are held and delivered on resume, before anything new", async () => {
      const { server, proxy } = await start(true);
      const client = await connect(proxy.wsUrl());
      await eventually(() => server.opened.length === 1, 5000, "onWsOpen");
      const channel = server.opened[0]!;
      server.send(channel, "before");
      await eventually(() => client.received.length === 1, 5000, "the first message");
      const back = client.nextWelcome();
      proxy.cut();
      // The server may not have noticed yet; either way the sends are kept.
      await eventually(() => !client.ready, 5000, "the drop");
      server.send(channel, "while away 1");
      server.publish("numbers", "while away 2");
      expect(channel.isOpen).toBe(true);
      await back;
      server.send(channel, "after");
      await eventually(() => client.received.length === 4, 5000, "four messages");
      expect(client.received).toEqual(["before", "while away 1", "while away 2", "after"]);
      await eventually(() => server.recovered.length === 1, 5000, "onWsRecover");
      expect(server.opened).toHaveLength(1);
      expect(server.closes).toEqual([]);
    });

    it("what is kept for a resend does not change: bytes the caller reuses, a broadcast kept by two sessions, text starting with U+001F", async () => {
      const { server, proxy } = await start(true);
      const first = await connect(proxy.wsUrl());
      const second = await connect(proxy.wsUrl());
      await eventually(() => server.opened.length === 2, 5000, "both onWsOpen");
      const channel = server.opened[0]!;
      const backFirst = first.nextWelcome();
      const backSecond = second.nextWelcome();
      proxy.cut();
      await eventually(() => !first.ready && !second.ready, 5000, "the drop");
      // Sent before the clients are back: what they get is what the sessions kept.
      // Buffers, whose own slice() is a view, not a copy.
      const direct = Buffer.from("direct bytes");
      server.send(channel, direct, Opcode.TEXT);
      const shared = Buffer.from("broadcast bytes");
      server.broadcast(shared, { opcode: Opcode.TEXT });
      // The caller reuses its buffers at once, as an engine does its receive buffer.
      direct.fill(0x21);
      shared.fill(0x21);
      server.broadcast("\x1fmarked broadcast");
      server.send(channel, "\x1fmarked send");
      await Promise.all([backFirst, backSecond]);
      await eventually(() => first.received.length === 4, 5000, "four messages");
      await eventually(() => second.received.length === 2, 5000, "two messages");
      expect(first.received).toEqual([
        "direct bytes",
        "broadcast bytes",
        "\x1fmarked broadcast",
        "\x1fmarked send",
      ]);
      expect(second.received).toEqual(["broadcast bytes", "\x1fmarked broadcast"]);
      expect(first.welcomes.at(-1)?.recovered).toBe(true);
      expect(second.welcomes.at(-1)?.recovered).toBe(true);
      expect(server.opened).toHaveLength(2);
    });

    it("a peer that stops answering pings is dropped by the heartbeat, and recovers what was lost on the wire", async () => {
      const { server, proxy } = await start(true, { heartbeatIntervalMs: 100 });
      const client = await connect(proxy.wsUrl());
      await eventually(() => server.opened.length === 1, 5000, "onWsOpen");
      const channel = server.opened[0]!;
      proxy.freeze();
      server.send(channel, "lost on the wire");
      await eventually(() => client.welcomes.length === 2, 5000, "the resume after the drop");
      await eventually(() => client.received.length === 1, 5000, "the message");
      expect(client.received).toEqual(["lost on the wire"]);
      expect(client.welcomes[1]!.recovered).toBe(true);
      expect(server.recovered).toEqual([channel]);
      expect(server.closes).toEqual([]);
    });

    it("a publish and a broadcast reach plain and recovering channels alike, once each", async () => {
      const { server, proxy, wsUrl } = await start(true);
      const recovering = await connect(proxy.wsUrl());
      const plain = await TestClient.connect(wsUrl("/plain"));
      await eventually(() => server.opened.length === 2, 5000, "both onWsOpen");
      expect(server.publish("numbers", "p1")).toBe(2);
      expect(server.broadcast("b1", { exclude: server.opened[1] })).toBe(1);
      expect(server.broadcast("b2")).toBe(2);
      expect(await plain.texts(2)).toEqual(["p1", "b2"]);
      await eventually(() => recovering.received.length === 3, 5000, "three messages");
      expect(recovering.received).toEqual(["p1", "b1", "b2"]);
      expect(await plain.silentFor(50)).toBe(true);
      await plain.close();
    });

    it("a recovering channel left out of a broadcast, or out of a topic after a resume, gets none of it", async () => {
      const { server, proxy, wsUrl } = await start(true);
      const first = await connect(proxy.wsUrl());
      const second = await connect(proxy.wsUrl());
      const plain = await TestClient.connect(wsUrl("/plain"));
      await eventually(() => server.opened.length === 3, 5000, "three onWsOpen");
      const [one, two] = server.opened as [Channel<{ name: string }>, Channel<{ name: string }>];
      expect(server.broadcast("b1", { exclude: one })).toBe(2);
      server.unsubscribe(two, "numbers");
      // Both come back on new sockets: the topics are the channel's, not the old socket's.
      const back = Promise.all([first.nextWelcome(), second.nextWelcome()]);
      proxy.cut();
      await back;
      expect(server.publish("numbers", "p1")).toBe(2);
      expect(server.broadcast("b2", { exclude: two })).toBe(2);
      server.subscribe(two, "numbers");
      expect(server.publish("numbers", "p2")).toBe(3);
      await eventually(() => first.received.length === 3, 5000, "three messages");
      await eventually(() => second.received.length === 2, 5000, "two messages");
      expect(await plain.texts(4)).toEqual(["b1", "p1", "b2", "p2"]);
      await sleep(50);
      expect(first.received).toEqual(["p1", "b2", "p2"]);
      expect(second.received).toEqual(["b1", "p2"]);
      await plain.close();
    });

    it("recovering channels that join and leave topics while thousands of messages go out, and are cut, each get exactly theirs, once, in order", async () => {
      const { server, proxy } = await start(true);
      const clients = [
        await connect(proxy.wsUrl()),
        await connect(proxy.wsUrl()),
        await connect(proxy.wsUrl()),
      ];
      await eventually(() => server.opened.length === 3, 5000, "three onWsOpen");
      const channels = server.opened;
      /** What each client must get, and the topics its channel is in (all start in "numbers"). */
      const expected: string[][] = [[], [], []];
      const topics = channels.map(() => new Set(["numbers"]));
      const each = (take: (j: number) => boolean, text: string) => {
        for (let j = 0; j < 3; j++) if (take(j)) expected[j]!.push(text);
      };
      for (let n = 1; n <= 3000; n++) {
        const text = String(n);
        const i = n % 3;
        // Every 100 messages one channel joins or leaves "odd", between two publishes.
        if (n % 100 === 0) {
          const k = (n / 100) % 3;
          const inOdd = topics[k]!;
          if (inOdd.delete("odd")) server.unsubscribe(channels[k]!, "odd");
          else {
            inOdd.add("odd");
            server.subscribe(channels[k]!, "odd");
          }
        }
        if (n % 7 === 0) {
          server.send(channels[i]!, text);
          each((j) => j === i, text);
        } else if (n % 5 === 0) {
          server.broadcast(text, { exclude: channels[i] });
          each((j) => j !== i, text);
        } else if (n % 2 === 1) {
          server.publish("odd", text);
          each((j) => topics[j]!.has("odd"), text);
        } else {
          server.publish("numbers", text);
          each(() => true, text);
        }
        if (n === 1500) proxy.cut();
        if (n % 250 === 0) await sleep(1);
      }
      await eventually(
        () => clients.every((client, j) => client.received.length >= expected[j]!.length),
        20_000,
        "every message",
      );
      await sleep(50);
      for (let j = 0; j < 3; j++) expect(clients[j]!.received).toEqual(expected[j]);
      expect(server.closes).toEqual([]);
    });

    it("control messages are not bounded by maxMessageBytes; data messages are, exactly (1009)", async () => {
      const { server, proxy } = await start(true, { maxMessageBytes: 16 });
      // The hello (about 30 bytes, and 70 with a session id) is over the limit.
      const client = await connect(proxy.wsUrl());
      await eventually(() => server.opened.length === 1, 5000, "onWsOpen");
      const channel = server.opened[0]!;
      const back = client.nextWelcome();
      proxy.cut();
      await back;
      expect(client.welcomes.at(-1)?.recovered).toBe(true);
      // 16 bytes, and 16 that go escaped (17 on the wire), are within the limit.
      client.send("x".repeat(16));
      client.send(`\x1f${"y".repeat(15)}`);
      await eventually(() => server.got.length === 2, 5000, "two messages");
      client.send("z".repeat(17));
      await eventually(() => server.closes.length === 1, 5000, "onWsClose");
      expect(server.closes[0]?.slice(0, 2)).toEqual([channel.id, 1009]);
      await eventually(() => client.closeCodes.includes(1009), 5000, "the client's 1009");
      expect(server.got).toEqual(["x".repeat(16), `\x1f${"y".repeat(15)}`]);
      expect(server.recovered).toEqual([channel]);
    });

    it("after the window: not recovered, onWsClose for the old channel at expiry, onWsOpen for the new", async () => {
      const { server, proxy } = await start({ windowMs: 300 });
      const client = await connect(proxy.wsUrl());
      await eventually(() => server.opened.length === 1, 5000, "onWsOpen");
      const first = server.opened[0]!;
      server.send(first, "one");
      await eventually(() => client.received.length === 1, 5000, "the first message");
      // Cut and keep the client out until the window passed: point the proxy at a closed port.
      proxy.target = 1;
      proxy.cut();
      await eventually(() => server.closes.length === 1, 5000, "the window to pass");
      expect(server.closes[0]).toEqual([first.id, 1006, expect.any(String)]);
      expect(first.isOpen).toBe(false);
      proxy.target = (server.address as { port: number }).port;
      await eventually(() => client.welcomes.length === 2, 10_000, "a new session");
      expect(client.welcomes[1]!.recovered).toBe(false);
      expect(client.welcomes[1]!.session).not.toBe(client.welcomes[0]!.session);
      expect(server.opened).toHaveLength(2);
      expect(server.opened[1]).not.toBe(first);
      expect(server.recovered).toEqual([]);
    });

    it("past maxMessages while away the session ends: send throws CHANNEL_CLOSED, the client gets a new session", async () => {
      const { server, proxy } = await start({ maxMessages: 5 });
      const client = await connect(proxy.wsUrl());
      await eventually(() => server.opened.length === 1, 5000, "onWsOpen");
      const first = server.opened[0]!;
      proxy.target = 1;
      proxy.cut();
      await eventually(() => !client.ready, 5000, "the drop");
      // Wait until the server saw the drop: before that, sends go to the dead socket.
      await sleep(100);
      for (let n = 1; n <= 5; n++) server.send(first, String(n));
      expect(() => server.send(first, "6")).toThrow(
        expect.objectContaining({ code: "CHANNEL_CLOSED" }),
      );
      await eventually(() => server.closes.length === 1, 5000, "onWsClose");
      expect(server.closes[0]?.slice(0, 2)).toEqual([first.id, 1006]);
      proxy.target = (server.address as { port: number }).port;
      await eventually(() => client.welcomes.length === 2, 10_000, "a new session");
      expect(client.welcomes[1]!.recovered).toBe(false);
      expect(client.received).toEqual([]);
      expect(server.opened).toHaveLength(2);
    });

    it("maxBytes counts UTF-8 bytes, for a send as for a broadcast: 9 × € (27 bytes) is past 26", async () => {
      const { server, proxy } = await start({ maxBytes: 26 });
      const client = await connect(proxy.wsUrl());
      await eventually(() => server.opened.length === 1, 5000, "onWsOpen");
      const first = server.opened[0]!;
      proxy.target = 1;
      proxy.cut();
      await eventually(() => !client.ready, 5000, "the drop");
      await sleep(100);
      server.send(first, "€".repeat(8));
      expect(first.bufferedAmount).toBe(24);
      // Counted as 9 UTF-16 units, it was held.
      expect(() => server.send(first, "€".repeat(1))).toThrow(
        expect.objectContaining({ code: "CHANNEL_CLOSED" }),
      );
      await eventually(() => server.closes.length === 1, 5000, "onWsClose");
    });

    it("a client that closes with 1000 ends its session: onWsClose at once, nothing held", async () => {
      const { server, proxy } = await start(true);
      const client = await connect(proxy.wsUrl());
      await eventually(() => server.opened.length === 1, 5000, "onWsOpen");
      await client.close();
      await eventually(() => server.closes.length === 1, 5000, "onWsClose");
      expect(server.closes[0]?.slice(0, 2)).toEqual([server.opened[0]!.id, 1000]);
      expect(server.clientCount).toBe(0);
    });

    it("close() closes a socket that agreed to recovery and never said hello with 1001, as it does channels", async () => {
      const { server, wsUrl } = await start(true, { closeTimeoutMs: 200 });
      const silent = await TestClient.connect(wsUrl(), { protocols: [RECOVERY_PROTOCOL] });
      expect(silent.ws.protocol).toBe(RECOVERY_PROTOCOL);
      // It has no channel yet: close() waited for the 10 s hello timeout, which closed it 1008.
      await server.close();
      expect(await silent.closed).toEqual({ code: 1001, reason: "server shutting down" });
    });

    it("a hello that cannot resume a session still connected ends it and drops its socket", async () => {
      const { server, wsUrl } = await start(true);
      const hello = (session: string | null, received: number) =>
        `\x1f${JSON.stringify(["hello", session, received])}`;
      const welcome = async (client: TestClient) =>
        JSON.parse((await client.next()).text.slice(1)) as [string, string, boolean, number];
      const a = await TestClient.connect(wsUrl(), { protocols: [RECOVERY_PROTOCOL] });
      a.send(hello(null, 0));
      const [, session] = await welcome(a);
      const b = await TestClient.connect(wsUrl(), { protocols: [RECOVERY_PROTOCOL] });
      // The server sent the session nothing: 5 received cannot be resumed.
      b.send(hello(session, 5));
      expect((await welcome(b)).slice(2)).toEqual([false, 0]);
      // Left open before: attached to no session, pinged by nothing, its messages dropped.
      expect((await a.closed).code).toBe(1006);
      await eventually(() => server.closes.length === 1, 5000, "onWsClose");
      expect(server.closes[0]?.slice(1, 3)).toEqual([1006, "recovery failed"]);
      await b.close();
    });

    it("opt-out: a plain ws client sees today's raw frames, on a server with recovery on", async () => {
      const { server, wsUrl } = await start(true);
      const plain = await TestClient.connect(wsUrl("/plain"));
      await eventually(() => server.opened.length === 1, 5000, "onWsOpen");
      server.send(server.opened[0]!, "\x1fraw");
      server.send(server.opened[0]!, new Uint8Array([0x1f, 1, 2]));
      const text = await plain.next();
      expect(text.binary).toBe(false);
      expect(text.text).toBe("\x1fraw");
      const bytes = await plain.next();
      expect([...bytes.data]).toEqual([0x1f, 1, 2]);
      plain.send('\x1f["ack",1]');
      await eventually(() => server.got.length === 1, 5000, "the raw message");
      expect(server.got).toEqual(['\x1f["ack",1]']);
      expect(plain.ws.protocol).toBe("");
      await plain.close();
    });

    it("a server without recovery does not agree to it: the client gets its fallback subprotocol", async () => {
      const { wsUrl } = await ctx.start((backend) => new Recorder({ backend }));
      const client = await TestClient.connect(wsUrl(), {
        protocols: [`${RECOVERY_PROTOCOL}+chat`, "chat"],
      });
      expect(client.ws.protocol).toBe("chat");
      await client.close();
    });

    it("refuses a bad recovery option", () => {
      const make = (recovery: unknown) => () =>
        new Recorder({ backend: ctx.backend(), recovery: recovery as never });
      expect(make({ windowMs: -1 })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
      expect(make({ window: 5 })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
      // A window past 2 ** 31 - 1 ms would end every session after 1 ms.
      expect(make({ windowMs: 2 ** 31 })).toThrow(/recovery\.windowMs/);
      expect(make({ windowMs: Number.POSITIVE_INFINITY })).toThrow(
        expect.objectContaining({ code: "INVALID_OPTION" }),
      );
      expect(make("yes")).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    });
  });
}
