import { TestClient } from "@switchboard/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { CHAT_DEFAULTS } from "../src/args.js";
import { BACKEND_CASES } from "./support/engines.js";
import { type RunningServer, startServer, stopServer } from "./support/process.js";

/** The storm: connections one script opens, and how many it opens at once. */
const STORM_SIZE = 2000;
const STORM_BATCH = 50;
/** The longest any one step may take before the test fails instead of hanging. */
const STEP_MS = 60_000;

let server: RunningServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.drop();
  await stopServer(server);
  server = undefined;
});

async function join(localAddress?: string): Promise<TestClient> {
  if (!server) throw new Error("start the server first");
  const client = await TestClient.connect(server.chatUrl, localAddress ? { localAddress } : {});
  clients.push(client);
  return client;
}

/** Who counts what a client hears, whichever step reads it. */
const heard = new Map<TestClient, (line: string) => void>();

/** Reads `client`'s lines until `done` says so; fails past `maxLines` or `STEP_MS`. */
async function readUntil(
  client: TestClient,
  done: (line: string) => boolean,
  maxLines: number,
): Promise<string[]> {
  const lines: string[] = [];
  while (lines.length < maxLines) {
    const line = await client.nextText(STEP_MS);
    heard.get(client)?.(line);
    lines.push(line);
    if (done(line)) return lines;
  }
  throw new Error(`no end within ${maxLines} lines; last: ${lines.slice(-3).join(" | ")}`);
}

/** Joins and leaves a client heard of: one per `user_N joined`, N per `N users joined, M left`. */
function countNotices(client: TestClient): { joined: number; left: number; lines: number } {
  const counts = { joined: 0, left: 0, lines: 0 };
  heard.set(client, (line) => {
    if (/ (joined|left)$/.test(line)) counts.lines++;
    const single = /^user_\d+ (joined|left)$/.exec(line);
    if (single) counts[single[1] as "joined" | "left"]++;
    counts.joined += Number(/^(\d+) users? joined/.exec(line)?.[1] ?? 0);
    counts.left += Number(/^(?:.*, )?(\d+)(?: users?)? left$/.exec(line)?.[1] ?? 0);
  });
  return counts;
}

const isOpen = (client: TestClient) => client.ws.readyState === WebSocket.OPEN;

const ping = async () => (await fetch(`${server!.url}/ping`)).text();

for (const { backend, runtime, unavailable } of BACKEND_CASES) {
  const title = unavailable
    ? `the chat under attack on ${backend} (skipped: ${unavailable})`
    : `the chat under attack on ${backend}`;
  describe.skipIf(unavailable !== undefined)(title, () => {
    const start = async () => {
      server = await startServer(
        ["--backend", backend, "--host", "127.0.0.1", "--port", "0"],
        runtime,
      );
    };

    /** Alice and Bob, who read their messages as any chat client does. */
    const readers = async () => {
      const alice = await join();
      expect(await alice.nextText()).toBe("welcome user_1");
      const bob = await join();
      expect(await bob.nextText()).toBe("welcome user_2");
      expect(await alice.nextText()).toBe("user_2 joined");
      return { alice, bob };
    };

    /** Bob still hears Alice, and both are still connected. */
    const stillChatting = async (alice: TestClient, bob: TestClient, text: string) => {
      alice.send(text);
      await readUntil(bob, (line) => line === `user_1: ${text}`, STORM_SIZE * 4);
      await readUntil(alice, (line) => line === `echo: ${text}`, STORM_SIZE * 4);
      expect([isOpen(alice), isOpen(bob)]).toEqual([true, true]);
    };

    it("closes a client sending 60 KB messages flat out with 1009; the readers hear nothing of it and stay", async () => {
      await start();
      const { alice, bob } = await readers();
      const spammer = await join();
      expect(await spammer.nextText()).toBe("welcome user_3");
      const big = "x".repeat(60_000);
      for (let i = 0; i < 200; i++) spammer.send(big);
      // uWS refuses an oversize message by dropping the connection (the peer sees 1006, not 1009).
      expect((await spammer.closed).code).toBe(backend === "uws" ? 1006 : 1009);
      expect(await alice.nextText()).toBe("user_3 joined");
      expect(await alice.nextText()).toBe("user_3 left");
      expect(await bob.nextText()).toBe("user_3 joined");
      expect(await bob.nextText()).toBe("user_3 left");
      await stillChatting(alice, bob, "after the spam");
    });

    it("closes a client sending small messages flat out with 1008; the readers, even one not reading, get at most its burst and stay", async () => {
      await start();
      const { alice, bob } = await readers();
      // Carol is not reading while the flood comes: all of it that reaches her stays queued.
      const carol = await TestClient.connect(server!.chatUrl, { pausable: true });
      clients.push(carol);
      expect(await carol.nextText()).toBe("welcome user_3");
      carol.setReading(false);
      const spammer = await join();
      expect(await spammer.nextText()).toBe("welcome user_4");
      const line = "y".repeat(CHAT_DEFAULTS.maxMessageBytes - 100);
      // 24 MB: past maxBufferedBytes (16 MiB) for Carol, had the rate limit let it all through.
      const sent = 1500;
      for (let i = 0; i < sent; i++) spammer.send(line);
      expect((await spammer.closed).code).toBe(1008);
      carol.setReading(true);
      for (const reader of [alice, bob, carol]) {
        const lines = await readUntil(reader, (text) => text === "user_4 left", sent + 100);
        const spam = lines.filter((text) => text.startsWith("user_4: "));
        // The burst (maxMessagesPerSecond) and what the bucket refilled while the server read the
        // flood: a handful of its lines, not all of them.
        expect(spam.length).toBeGreaterThanOrEqual(CHAT_DEFAULTS.maxMessagesPerSecond);
        expect(spam.length).toBeLessThan(sent / 5);
      }
      await stillChatting(alice, bob, "after the flood");
      await readUntil(carol, (text) => text === "user_1: after the flood", 10);
      expect(isOpen(carol)).toBe(true);
    });

    it(`holds a ${STORM_SIZE}-connection storm: 429 past the per-address cap, readers keep chatting, /ping answers`, async () => {
      await start();
      const { alice, bob } = await readers();
      const perIp = CHAT_DEFAULTS.maxConnectionsPerIp;
      const notices = countNotices(alice);

      // One address gets its cap and no more; everyone else is still admitted.
      const first = await Promise.all(Array.from({ length: perIp }, () => join("127.0.0.2")));
      await expect(join("127.0.0.2")).rejects.toThrow(/upgrade refused: 429/);

      // The rest of the storm from more loopback addresses (all of 127.0.0.0/8 is lo on Linux), so
      // that the cap lets it in and the join notices are what is tested.
      const storm = [...first];
      const opening = (async () => {
        for (let n = storm.length; n < STORM_SIZE; n += STORM_BATCH) {
          const batch = Array.from({ length: Math.min(STORM_BATCH, STORM_SIZE - n) }, (_, i) => {
            const address = `127.0.0.${3 + Math.floor((n + i - perIp) / perIp)}`;
            return join(address);
          });
          storm.push(...(await Promise.all(batch)));
        }
      })();
      // While it comes in: HTTP answers and the readers still hear each other.
      expect(await ping()).toBe("pong");
      await stillChatting(alice, bob, "during the storm");
      await opening;
      expect(await ping()).toBe("pong");
      expect(await (await fetch(`${server!.url}/clients`)).text()).toBe(String(STORM_SIZE + 2));

      // Every join reaches Alice exactly once, alone or in a summary.
      if (notices.joined < STORM_SIZE) {
        await readUntil(alice, () => notices.joined >= STORM_SIZE, STORM_SIZE * 2);
      }
      expect(notices.joined).toBe(STORM_SIZE);

      // The mass disconnect.
      for (const client of storm) client.drop();
      expect(await ping()).toBe("pong");
      await readUntil(alice, () => notices.left >= STORM_SIZE, STORM_SIZE * 2);
      expect(notices.left).toBe(STORM_SIZE);
      // Summarised: a few lines, not one per join and leave (which would be N² sends in all).
      expect(notices.lines).toBeLessThan(STORM_SIZE / 10);
      await stillChatting(alice, bob, "after the storm");
      expect(await (await fetch(`${server!.url}/clients`)).text()).toBe("2");
    }, 180_000);
  });
}
