import { type Channel, RECOVERED_ELSEWHERE, WebServer } from "@switchboard/core";
import { afterEach, describe, expect } from "vitest";
import { eventually, sleep } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";
import { CutProxy } from "../support/cut-proxy.js";
import { RecoveringTestClient } from "../support/recovering-client.js";
import { SharedBus } from "../support/shared-store.js";

interface Named {
  name: string;
}

/** Records its hooks; a channel is named by its URL and joins the topic "numbers". */
class Recorder extends WebServer<Named> {
  opened: Channel<Named>[] = [];
  recovered: { channel: Channel<Named>; topics: string[] }[] = [];
  closes: [name: string, code: number, reason: string][] = [];
  got: string[] = [];
  override onWsOpen(channel: Channel<Named>, url: string) {
    channel.data = { name: url.slice(1) };
    this.subscribe(channel, "numbers");
    this.opened.push(channel);
  }
  override onWsRecover(channel: Channel<Named>) {
    this.recovered.push({ channel, topics: [...this.topicsOf(channel)] });
  }
  override onWsMessage(_channel: Channel, text: string) {
    this.got.push(text);
  }
  override onWsClose(channel: Channel<Named>, code: number, reason: string) {
    this.closes.push([channel.data.name, code, reason]);
  }
}

const numbers = (count: number, prefix = "") =>
  Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

/**
 * Recovery with a `pubsub` adapter that keeps sessions (`RecoveryStore`): a client may resume
 * on another server. Here two servers of the engine under test share an in-memory store; the
 * Redis one is tested across real processes in `@switchboard/pubsub-redis`.
 */
export function recoveryHandoffCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("recovery across servers", () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    afterEach(async () => {
      await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    });
    const pair = async () => {
      const bus = new SharedBus();
      // With a per-address cap, so that a resumed channel takes its upgrade's address slot.
      const start = () =>
        ctx.start(
          (backend) =>
            new Recorder({
              backend,
              recovery: true,
              pubsub: bus.adapter(),
              maxConnectionsPerIp: 8,
            }),
        );
      const [one, two] = await Promise.all([start(), start()]);
      const proxy = await CutProxy.open(one.address.port);
      cleanups.push(() => proxy.close());
      return { one: one.server, two: two.server, twoPort: two.address.port, proxy };
    };

    it("a cut client resumes on the other server: every message once, in order, both ways; data and topics carried", async () => {
      const { one, two, twoPort, proxy } = await pair();
      const client = await RecoveringTestClient.connect(proxy.wsUrl("/ada"));
      cleanups.push(() => client.close());
      await eventually(() => one.opened.length === 1, 5000, "onWsOpen");
      const first = one.opened[0]!;
      let moved = false;
      // Publishes from both servers and direct sends from wherever the channel is, while the
      // client is cut off from the first and comes back to the second.
      for (let n = 1; n <= 3000; n++) {
        // Released by the first server, not yet resumed by the second: a direct send waits
        // (publishes go on, and the second server catches them).
        if (n % 3 === 2 && moved && !first.isOpen && !two.recovered[0]) {
          await eventually(() => two.recovered.length === 1, 5000, "onWsRecover");
        }
        const text = String(n);
        const here = two.recovered[0]?.channel;
        if (n % 3 === 0) (n % 2 === 0 ? one : two).publish("numbers", text);
        else if (n % 3 === 1) (n % 2 === 0 ? two : one).broadcast(text);
        else if (here) two.send(here, text);
        else one.send(first, text);
        if (n % 10 === 0) client.send(`c${n / 10}`);
        if (n === 1000) {
          proxy.target = twoPort;
          proxy.cut();
          moved = true;
        }
        if (n % 100 === 0) await sleep(1);
      }
      await eventually(
        () => client.received.length >= 3000 && one.got.length + two.got.length >= 300,
        20_000,
        "every message on both sides",
      );
      await sleep(50);
      expect(client.received).toEqual(numbers(3000));
      expect([...one.got, ...two.got]).toEqual(numbers(300, "c"));
      expect(client.welcomes.map((welcome) => welcome.recovered)).toEqual([false, true]);
      expect(new Set(client.welcomes.map((welcome) => welcome.session)).size).toBe(1);
      const [{ channel, topics }] = two.recovered as [(typeof two.recovered)[0]];
      expect(channel.data).toEqual({ name: "ada" });
      expect(topics).toEqual(["numbers"]);
      expect(two.opened).toEqual([]);
      expect(one.closes).toEqual([["ada", 1001, RECOVERED_ELSEWHERE]]);
      expect(two.closes).toEqual([]);
      expect(one.clientCount).toBe(0);
      expect(two.clientCount).toBe(1);
    });

    it("a hello for messages the store no longer holds: a new session, and the old one ends", async () => {
      const { one, two, twoPort, proxy } = await pair();
      const client = await RecoveringTestClient.connect(proxy.wsUrl("/bo"));
      cleanups.push(() => client.close());
      await eventually(() => one.opened.length === 1, 5000, "onWsOpen");
      // The client acknowledges every 100: the store forgets them.
      for (let n = 1; n <= 300; n++) one.send(one.opened[0]!, String(n));
      await eventually(() => client.received.length === 300, 5000, "300 messages");
      await sleep(50);
      // Claim to have fewer than the store still holds.
      client.received.length = 50;
      proxy.target = twoPort;
      proxy.cut();
      await eventually(() => client.welcomes.length === 2, 10_000, "the second welcome");
      expect(client.welcomes[1]!.recovered).toBe(false);
      expect(one.closes).toEqual([["bo", 1006, "recovery failed"]]);
      expect(two.opened.map((channel) => channel.data.name)).toEqual(["bo"]);
      expect(two.recovered).toEqual([]);
    });
  });
}
