import { createRequire } from "node:module";
import {
  type Channel,
  EventError,
  EventHub,
  type StandardSchemaV1,
  WebServer,
} from "@switchboard/core";
import { describe, expect, it as register } from "vitest";
import { patternBytes } from "../support/bytes.js";
import { eventually, type Received, TestClient } from "../support/client.js";
import type { Running, SuiteContext } from "../support/context.js";
import { binaryEnvelope, EVENTS_PROTOCOL, envelope, readEnvelope } from "../support/event-wire.js";

/** The application the cases run: declared once, as a user would. */
interface TestEvents {
  clientEvents: { say: { text: string }; bytes: Uint8Array; count: number; nothing: undefined };
  serverEvents: { said: { text: string; from: number }; bytes: Uint8Array; tick: number };
  clientRequests: {
    add(numbers: { a: number; b: number }): number;
    slow(ms: number): string;
    fail(): never;
    deny(): never;
  };
  serverRequests: { confirm(question: string): boolean };
}

/** zod and valibot are optional peers of the suite: each case that needs one says so when it is missing. */
/** Whether an optional peer of the suite is installed: decided when the tests are registered. */
function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

async function schemaLibraries() {
  const [zod, valibot] = await Promise.all([
    import("zod").catch(() => undefined),
    import("valibot").catch(() => undefined),
  ]);
  return { zod, valibot };
}

interface EventsServer {
  running: Running<WebServer>;
  hub: EventHub<TestEvents>;
  log: string[];
}

type HubOptions = ConstructorParameters<typeof EventHub<TestEvents>>[1];

async function startEvents(ctx: SuiteContext, options: HubOptions = {}): Promise<EventsServer> {
  const log: string[] = [];
  let hub!: EventHub<TestEvents>;
  const running = await ctx.start((backend) => {
    const server = new WebServer({
      backend,
      onWsMessage: (_channel: Channel, text: string) => void log.push(`raw ${text}`),
      onError: () => {},
    });
    hub = new EventHub<TestEvents>(server, options);
    return server;
  });
  hub.on("say", (channel, { text }) => {
    log.push(`say ${text}`);
    channel.emit("said", { text, from: channel.id });
  });
  hub.on("bytes", (channel, bytes) => void channel.emit("bytes", bytes));
  hub.on("count", (_channel, n) => void log.push(`count ${n}`));
  hub.on("nothing", (_channel, payload) => void log.push(`nothing ${String(payload)}`));
  hub.handle("add", (_channel, { a, b }) => a + b);
  hub.handle(
    "slow",
    (_channel, ms) => new Promise((resolve) => setTimeout(() => resolve(`slept ${ms}`), ms)),
  );
  hub.handle("fail", () => {
    throw new Error("database password is hunter2");
  });
  hub.handle("deny", () => {
    throw new EventError("FORBIDDEN", "not for you");
  });
  return { running, hub, log };
}

async function eventsClient(running: Running<WebServer>): Promise<TestClient> {
  return TestClient.connect(running.wsUrl("/"), { protocols: [EVENTS_PROTOCOL] });
}

async function nextEnvelope(client: TestClient): Promise<unknown[]> {
  const message: Received = await client.next();
  const fields = readEnvelope(message);
  if (!fields) throw new Error(`expected an envelope, got raw ${JSON.stringify(message.text)}`);
  return fields;
}

/** Typed events, validation and requests over the negotiated protocol (docs/protocol.md). */
export function eventCases(ctx: SuiteContext): void {
  const { it } = ctx;
  describe("typed events", () => {
    it("a client offering switchboard.v1.json gets it; a plain client keeps raw frames", async () => {
      const { running, hub, log } = await startEvents(ctx);
      const events = await eventsClient(running);
      const plain = await TestClient.connect(running.wsUrl("/"));
      expect(events.ws.protocol).toBe(EVENTS_PROTOCOL);
      expect(plain.ws.protocol).toBe("");
      await eventually(() => running.server.clientCount === 2, 5000, "both open");
      // An envelope from a plain client is just text to the raw callbacks.
      plain.send(envelope(1, "e", "count", 1));
      await eventually(() => log.length === 1, 5000, "raw message");
      expect(log).toEqual([`raw ${envelope(1, "e", "count", 1)}`]);
      expect(hub.broadcast("tick", 7)).toBe(1);
      expect((await nextEnvelope(events)).slice(1)).toEqual(["e", "tick", 7]);
      expect(await plain.silentFor(50)).toBe(true);
      expect(hub.stats.invalid).toBe(0);
      await Promise.all([events.close(), plain.close()]);
    });

    it("round-trips events, payloadless events, binary payloads and broadcasts", async () => {
      const { running, hub, log } = await startEvents(ctx);
      const a = await eventsClient(running);
      const b = await eventsClient(running);
      a.send(envelope(1, "e", "say", { text: "héllo ✓" }));
      const said = await nextEnvelope(a);
      expect(said[1]).toBe("e");
      expect(said[2]).toBe("said");
      expect(said[3]).toEqual({ text: "héllo ✓", from: expect.any(Number) });
      expect(Number.isSafeInteger(said[0]) && (said[0] as number) > 0).toBe(true);

      a.send(envelope(2, "e", "nothing"));
      await eventually(() => log.includes("nothing undefined"), 5000, "payloadless event");

      const bytes = patternBytes(64 * 1024, 5);
      bytes[0] = 0x1e; // the marker inside the payload changes nothing
      a.send(binaryEnvelope([3, "e", "bytes"], bytes));
      const echoed = await a.next();
      expect(echoed.binary).toBe(true);
      const fields = readEnvelope(echoed)!;
      expect(fields.slice(1, 3)).toEqual(["e", "bytes"]);
      expect(fields[3]).toEqual(bytes);

      expect(hub.broadcast("tick", 1, { exclude: hub.of([...running.server.channels][0]!) })).toBe(
        1,
      );
      expect((await nextEnvelope(b)).slice(1)).toEqual(["e", "tick", 1]);
      expect(await a.silentFor(50)).toBe(true);
      await Promise.all([a.close(), b.close()]);
    });

    it("publishes events to a topic's subscribers", async () => {
      const { running, hub } = await startEvents(ctx);
      const a = await eventsClient(running);
      const b = await eventsClient(running);
      await eventually(() => running.server.clientCount === 2, 5000, "both open");
      const [first] = running.server.channels;
      running.server.subscribe(first!, "room");
      expect(hub.publish("room", "tick", 42)).toBe(1);
      expect((await nextEnvelope(a)).slice(1)).toEqual(["e", "tick", 42]);
      expect(await b.silentFor(50)).toBe(true);
      await Promise.all([a.close(), b.close()]);
    });

    it("keeps the order of raw messages and events on one channel, both ways", async () => {
      const { running, hub, log } = await startEvents(ctx);
      const client = await eventsClient(running);
      for (let i = 0; i < 20; i++) {
        client.send(i % 2 ? `r${i}` : envelope(i + 1, "e", "count", i));
      }
      await eventually(() => log.length === 20, 5000, "20 messages");
      expect(log).toEqual(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? `raw r${i}` : `count ${i}`)),
      );

      await eventually(() => running.server.clientCount === 1, 5000, "open");
      const [channel] = running.server.channels;
      const events = hub.of(channel!)!;
      for (let i = 0; i < 20; i++) {
        if (i % 2) channel!.send(`r${i}`);
        else events.emit("tick", i);
      }
      const seen: string[] = [];
      for (let i = 0; i < 20; i++) {
        const message = await client.next();
        const fields = readEnvelope(message);
        seen.push(fields ? `tick ${fields[3]}` : message.text);
      }
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? `r${i}` : `tick ${i}`)));
      await client.close();
    });
  });

  describe("validation", () => {
    for (const library of ["zod", "valibot"] as const) {
      const title = `a payload that fails a ${library} schema never reaches the handler; the client is told and, at the limit, closed with 1008`;
      if (!installed(library)) {
        register.skip(
          `${title} (skipped: ${library} is not installed, an optional peer of the suite)`,
          () => {},
        );
        continue;
      }
      it(title, async () => {
        const libraries = await schemaLibraries();
        const say: StandardSchemaV1<unknown, { text: string }> =
          library === "zod"
            ? libraries.zod!.z.object({ text: libraries.zod!.z.string().max(10) })
            : libraries.valibot!.object({
                text: libraries.valibot!.pipe(
                  libraries.valibot!.string(),
                  libraries.valibot!.maxLength(10),
                ),
              });
        const add: StandardSchemaV1<unknown, { a: number; b: number }> =
          library === "zod"
            ? libraries.zod!.z.object({
                a: libraries.zod!.z.number(),
                b: libraries.zod!.z.number(),
              })
            : libraries.valibot!.object({
                a: libraries.valibot!.number(),
                b: libraries.valibot!.number(),
              });
        const { running, hub, log } = await startEvents(ctx, {
          schemas: { clientEvents: { say }, clientRequests: { add: { payload: add } } },
          maxInvalidPayloads: 3,
        });
        const client = await eventsClient(running);

        client.send(envelope(1, "e", "say", { text: "far too long for ten" }));
        const refused = await nextEnvelope(client);
        expect(refused.slice(1, 3)).toEqual(["x", 0]);
        expect(refused[3]).toMatchObject({
          code: "INVALID_PAYLOAD",
          event: "say",
          issues: [{ message: expect.any(String), path: ["text"] }],
        });

        client.send(envelope(2, "q", "add", { a: 1, b: "2" }));
        const failed = await nextEnvelope(client);
        expect(failed.slice(1, 3)).toEqual(["x", 2]);
        expect(failed[3]).toMatchObject({ code: "INVALID_PAYLOAD", event: "add" });

        client.send(envelope(3, "q", "add", { a: 1, b: 2 }));
        expect((await nextEnvelope(client)).slice(1)).toEqual(["r", 3, 3]);
        expect(log).toEqual([]);
        expect(hub.stats.invalid).toBe(2);

        client.send("\x1e[not json");
        expect((await nextEnvelope(client))[3]).toMatchObject({ code: "INVALID_PAYLOAD" });
        expect(await client.closed).toEqual({ code: 1008, reason: "too many invalid messages" });
        expect(hub.stats).toEqual({ invalid: 3, closedForInvalid: 1 });
      });
    }

    it("malformed envelopes and unknown events are refused and counted, never thrown", async () => {
      const { running, hub } = await startEvents(ctx, { maxInvalidPayloads: 0 });
      const client = await eventsClient(running);
      const bad = [
        "\x1e",
        "\x1e{}",
        "\x1e[]",
        envelope(0, "e", "say", {}),
        envelope(1, "z", "say"),
        envelope(1, "e", ""),
        envelope(1, "e", 5),
        envelope(1, "x", 3, null),
        envelope(1, "e", "constructor", 1),
        envelope(1, "q", "__proto__", 1),
        envelope(1, "e", "nobody", 1),
      ];
      for (const frame of bad) client.send(frame);
      client.send(new Uint8Array([0x1e, 0x5b]));
      const codes: string[] = [];
      for (let i = 0; i < bad.length + 1; i++)
        codes.push(((await nextEnvelope(client))[3] as { code: string }).code);
      expect(codes.slice(0, 8).every((code) => code === "INVALID_PAYLOAD")).toBe(true);
      expect(codes.slice(8, 11)).toEqual(["UNKNOWN_EVENT", "UNKNOWN_EVENT", "UNKNOWN_EVENT"]);
      expect(codes[11]).toBe("INVALID_PAYLOAD");
      expect(hub.stats.invalid).toBe(bad.length + 1);
      // maxInvalidPayloads: 0 never closes.
      client.send(envelope(5, "q", "add", { a: 2, b: 2 }));
      expect((await nextEnvelope(client)).slice(1)).toEqual(["r", 5, 4]);
      await client.close();
    });
  });

  describe("requests", () => {
    it("a client request is answered; a handler that throws sends a typed error without internals", async () => {
      const { running } = await startEvents(ctx);
      const client = await eventsClient(running);
      client.send(envelope(1, "q", "add", { a: 2, b: 3 }));
      expect((await nextEnvelope(client)).slice(1)).toEqual(["r", 1, 5]);
      client.send(envelope(2, "q", "fail"));
      const failed = await nextEnvelope(client);
      expect(failed.slice(1, 3)).toEqual(["x", 2]);
      expect(failed[3]).toEqual({
        code: "HANDLER_FAILED",
        message: "the handler of fail failed",
        event: "fail",
      });
      expect(JSON.stringify(failed)).not.toMatch(/hunter2|at |stack/);
      client.send(envelope("req-3", "q", "deny"));
      expect((await nextEnvelope(client)).slice(1)).toEqual([
        "x",
        "req-3",
        { code: "FORBIDDEN", message: "not for you" },
      ]);
      await client.close();
    });

    it("channel.request: answered, failed by the client, timed out, and closed meanwhile", async () => {
      const { running, hub } = await startEvents(ctx);
      const client = await eventsClient(running);
      await eventually(() => running.server.clientCount === 1, 5000, "open");
      const channel = hub.of([...running.server.channels][0]!)!;

      const answered = channel.request("confirm", "leave?", { timeoutMs: 5000 });
      const question = await nextEnvelope(client);
      expect(question.slice(1)).toEqual(["q", "confirm", "leave?"]);
      client.send(envelope(1, "r", question[0], true));
      expect(await answered).toBe(true);

      const refused = channel.request("confirm", "again?");
      const second = await nextEnvelope(client);
      client.send(envelope(2, "x", second[0], { code: "NOPE", message: "no" }));
      await expect(refused).rejects.toMatchObject({
        code: "NOPE",
        remote: true,
        name: "EventError",
      });

      const timedOut = channel.request("confirm", "hello?", { timeoutMs: 50 });
      await expect(timedOut).rejects.toMatchObject({ code: "TIMEOUT", event: "confirm" });
      const late = await nextEnvelope(client);
      // An answer after the timeout is ignored.
      client.send(envelope(3, "r", late[0], true));

      const pending = channel.request("confirm", "still there?", { timeoutMs: 5000 });
      await nextEnvelope(client);
      client.drop();
      await expect(pending).rejects.toMatchObject({ code: "CHANNEL_CLOSED" });
      await expect(channel.request("confirm", "gone")).rejects.toMatchObject({
        code: "CHANNEL_CLOSED",
      });
      expect(hub.stats.invalid).toBe(0);
    });

    it("holds events behind an asynchronous schema within maxQueuedMessageBytes, in order, and closes with 1008 past it", async () => {
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      // A schema that validates asynchronously (as one that looks something up would).
      const slowNumber: StandardSchemaV1<number> = {
        "~standard": {
          version: 1,
          vendor: "conformance",
          validate: async (value) => {
            await gate;
            return { value: value as number };
          },
        },
      };
      const counted: number[] = [];
      const { server, wsUrl } = await ctx.start((backend) => {
        const created = new WebServer({ backend, maxQueuedMessageBytes: 8000, onError: () => {} });
        const hub = new EventHub<TestEvents>(created, {
          schemas: { clientEvents: { count: slowNumber } },
        });
        hub.on("count", (_channel, n) => void counted.push(n));
        return created;
      });
      const client = await TestClient.connect(wsUrl("/"), { protocols: [EVENTS_PROTOCOL] });
      // Each waits with 1 KiB of bookkeeping besides its bytes: a few wait, then the channel closes.
      for (let i = 1; i <= 50; i++) client.send(envelope(i, "e", "count", i));
      const closed = await client.closed;
      expect(closed.code).toBe(1008);
      release();
      await eventually(() => counted.length > 0, 5000, "the waiting events to be handled");
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Those that waited arrive in order, none twice; the ones past the bound never arrive.
      expect(counted).toEqual(Array.from({ length: counted.length }, (_, i) => i + 1));
      expect(counted.length).toBeGreaterThan(1);
      expect(counted.length).toBeLessThan(50);
      expect(server.stats.queueOverflowed).toBe(1);
    });

    it("bounds requests in flight per connection, both ways", async () => {
      const { running, hub } = await startEvents(ctx, { maxInFlightRequests: 2 });
      const client = await eventsClient(running);
      for (let id = 1; id <= 3; id++) client.send(envelope(id, "q", "slow", 100));
      const first = await nextEnvelope(client);
      expect(first.slice(1)).toEqual([
        "x",
        3,
        { code: "TOO_MANY_REQUESTS", message: expect.any(String), event: "slow" },
      ]);
      const answers = [await nextEnvelope(client), await nextEnvelope(client)];
      expect(answers.map((fields) => fields.slice(1))).toEqual([
        ["r", 1, "slept 100"],
        ["r", 2, "slept 100"],
      ]);
      // Room again once they are answered.
      client.send(envelope(4, "q", "slow", 1));
      expect((await nextEnvelope(client)).slice(1)).toEqual(["r", 4, "slept 1"]);

      const channel = hub.of([...running.server.channels][0]!)!;
      const asked = [channel.request("confirm", "1"), channel.request("confirm", "2")];
      // They end with CHANNEL_CLOSED when the client goes below.
      for (const request of asked) request.catch(() => {});
      await expect(channel.request("confirm", "3")).rejects.toMatchObject({
        code: "TOO_MANY_REQUESTS",
      });
      expect(channel.pendingRequests).toBe(2);
      await client.close();
      await Promise.allSettled(asked);
    });
  });
}
