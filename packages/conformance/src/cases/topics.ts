import { type Channel, WebServer } from "@switchboard/core";
import { describe, expect } from "vitest";
import { eventually, TestClient } from "../support/client.js";
import type { SuiteContext } from "../support/context.js";

/** Rooms by URL: `/room/NAME` subscribes to NAME; each message is published to the room. */
class Rooms extends WebServer {
  override onWsOpen(channel: Channel, url: string) {
    for (const room of url.slice("/room/".length).split(",")) this.subscribe(channel, room);
  }
  override onWsMessage(channel: Channel, text: string) {
    const [room, body] = text.split(":", 2) as [string, string];
    if (body === "leave") this.unsubscribe(channel, room);
    else this.publish(room, `${room}:${body}`, { exclude: channel });
  }
}

/** subscribe / publish / unsubscribe on one server process. */
export function topicCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("topics", () => {
    it("publishes to a topic's subscribers only, excluding the sender", async () => {
      const { server, wsUrl } = await ctx.start((backend) => new Rooms({ backend }));
      const a = await TestClient.connect(wsUrl("/room/red"));
      const b = await TestClient.connect(wsUrl("/room/red,blue"));
      const c = await TestClient.connect(wsUrl("/room/blue"));
      await eventually(
        () => server.subscriberCount("red") === 2 && server.subscriberCount("blue") === 2,
        5000,
        "subscriptions",
      );
      a.send("red:hi");
      expect(await b.nextText()).toBe("red:hi");
      c.send("blue:yo");
      expect(await b.nextText()).toBe("blue:yo");
      expect(await a.silentFor(50)).toBe(true);
      expect(await c.silentFor(0)).toBe(true);
      await Promise.all([a.close(), b.close(), c.close()]);
    });

    it("unsubscribing and closing leave the topic", async () => {
      const { server, wsUrl } = await ctx.start((backend) => new Rooms({ backend }));
      const a = await TestClient.connect(wsUrl("/room/red"));
      const b = await TestClient.connect(wsUrl("/room/red"));
      await eventually(() => server.subscriberCount("red") === 2, 5000, "two subscribers");
      b.send("red:leave");
      await eventually(() => server.subscriberCount("red") === 1, 5000, "b to leave");
      expect(server.publish("red", "only a")).toBe(1);
      expect(await a.nextText()).toBe("only a");
      expect(await b.silentFor(50)).toBe(true);
      await a.close();
      await eventually(
        () => server.subscriberCount("red") === 0,
        5000,
        "a's close to leave the topic",
      );
      expect(server.publish("red", "nobody")).toBe(0);
      await b.close();
    });

    it("refuses empty topics and subscribing a closed channel", async () => {
      let kept: Channel | undefined;
      const { server, wsUrl } = await ctx.start(
        (backend) =>
          new WebServer({
            backend,
            onWsOpen(channel) {
              kept = channel;
            },
          }),
      );
      const client = await TestClient.connect(wsUrl("/"));
      await eventually(() => kept !== undefined, 5000, "open");
      expect(() => server.subscribe(kept!, "")).toThrow(/topic/);
      expect(() => server.publish("", "x")).toThrow(/topic/);
      await client.close();
      await eventually(() => server.clientCount === 0, 5000, "close");
      expect(() => server.subscribe(kept!, "late")).toThrow(
        expect.objectContaining({ code: "CHANNEL_CLOSED" }),
      );
    });
  });
}
