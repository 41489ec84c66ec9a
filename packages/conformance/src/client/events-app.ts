import {
  type Backend,
  type Channel,
  type EventError,
  EventHub,
  type ServerLimits,
  WebServer,
  type WebServerOptions,
} from "@switchboard/core";
import type { SuiteEvents } from "./types.js";

/**
 * The events server the client suite talks to (app "events"): echoes events and raw messages,
 * answers requests, and on command emits invalid payloads or asks the client something.
 */
export class EventsServer extends WebServer {
  readonly hub: EventHub<SuiteEvents>;

  constructor(
    options: { backend: Backend } & Partial<ServerLimits> & Pick<WebServerOptions, "recovery">,
  ) {
    super({ ...options, onError: () => {} });
    const hub = new EventHub<SuiteEvents>(this, { maxInFlightRequests: 4 });
    this.hub = hub;
    hub.on("echo", (channel, payload) => void channel.emit("echo", payload));
    hub.on("bytes", (channel, payload) => void channel.emit("bytes", payload));
    hub.on("mixed", (channel, count) => {
      // Raw messages and events, interleaved, on one channel.
      for (let i = 0; i < count; i++) {
        if (i % 2) channel.channel.send(`r${i}`);
        else channel.emit("tick", i);
      }
    });
    hub.on("badTick", (channel) => void channel.emit("tick", "not a number" as never));
    hub.on("ask", async (channel, timeoutMs) => {
      try {
        const answer = await channel.request("confirm", "proceed?", { timeoutMs });
        channel.emit("asked", { answer });
      } catch (error) {
        channel.emit("asked", { error: (error as EventError).code });
      }
    });
    hub.handle("add", (_channel, { a, b }) => a + b);
    hub.handle(
      "slow",
      (_channel, ms) => new Promise((resolve) => setTimeout(() => resolve(ms), ms)),
    );
    hub.handle("fail", () => {
      throw new Error("internal detail that must not leave the server");
    });
  }

  // Raw text comes back as "raw: …": beside the events, the raw model is untouched.
  override onWsMessage(channel: Channel, text: string) {
    this.send(channel, `raw: ${text}`);
  }
}
