import { TestClient } from "@switchboard/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { ChatPage, useChromium } from "./support/browser.js";
import { type Cli, startCli } from "./support/cli.js";
import { BACKEND_CASES, type BackendCase } from "./support/engines.js";
import { Outage } from "./support/outage.js";
import { type RunningServer, startServer, stopServer } from "./support/process.js";

/** How long the link stays down: the page and the CLI retry (and fail) several times meanwhile. */
const OUTAGE_MS = 2000;
/** What the other user says while the link is down. */
const SAID_MEANWHILE = ["one", "two", "three", "four", "five"];

const chromium = useChromium();
const servers: RunningServer[] = [];
const outages: Outage[] = [];
const clients: TestClient[] = [];
const clis: Cli[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.drop();
  for (const cli of clis.splice(0)) await stopServer(cli);
  for (const outage of outages.splice(0)) await outage.close();
  for (const running of servers.splice(0)) await stopServer(running);
});

/** A chat server on `backend`, and a link in front of it that can go down. */
async function chatBehindOutage({
  backend,
  runtime,
}: BackendCase): Promise<{ server: RunningServer; link: Outage }> {
  const server = await startServer(["--port", "0", "--backend", backend], runtime);
  servers.push(server);
  const link = await Outage.open(server.port);
  outages.push(link);
  return { server, link };
}

/** A plain WebSocket client straight to the server (not through the link): the tutorial's lines. */
async function bob(server: RunningServer): Promise<TestClient> {
  const client = await TestClient.connect(server.chatUrl);
  clients.push(client);
  expect(await client.nextText()).toBe("welcome user_2");
  return client;
}

/** Bob says each line while the link is down, and hears his echo (so the server has it). */
async function sayMeanwhile(client: TestClient): Promise<void> {
  for (const text of SAID_MEANWHILE) {
    client.send(text);
    expect(await client.nextText()).toBe(`echo: ${text}`);
  }
}

// The page on the Node.js backends; under Bun the same server code runs, tested with the CLI below.
for (const engine of BACKEND_CASES.filter((entry) => entry.backend !== "bun")) {
  const { backend, unavailable } = engine;
  describe.skipIf(unavailable !== undefined)(
    `recovery in the chat page, served by the ${backend} backend${unavailable ? ` (cannot run: ${unavailable})` : ""}`,
    () => {
      it("a Chromium tab cut off for 2 s shows every line said meanwhile, exactly once, in order", async () => {
        const { server, link } = await chatBehindOutage(engine);
        const alice = await ChatPage.open(chromium.browser, `${link.url}/`);
        expect(await alice.waitForLines(1)).toEqual(["welcome user_1"]);
        await alice.waitForText("state", "connected");
        const other = await bob(server);
        other.send("before the cut");
        expect(await other.nextText()).toBe("echo: before the cut");
        await alice.waitForLines(3);

        const cut = await link.down(OUTAGE_MS, async () => {
          await alice.waitForText("state", "reconnecting…");
          await sayMeanwhile(other);
        });
        expect(cut).toBeGreaterThan(0);

        await alice.waitForText("state", "reconnected, nothing missed");
        await alice.waitForText("nickname", "user_1");
        await alice.say("back");
        // Bob's next line is this one: nobody was told that user_1 left or joined.
        expect(await other.nextText()).toBe("user_1: back");
        expect(await alice.waitForLines(9)).toEqual([
          "welcome user_1",
          "user_2 joined",
          "user_2: before the cut",
          ...SAID_MEANWHILE.map((text) => `user_2: ${text}`),
          "echo: back",
        ]);
        expect(await (await fetch(`${server.url}/clients`)).text()).toBe("2");
      });
    },
  );
}

for (const engine of BACKEND_CASES) {
  const { backend, unavailable } = engine;
  describe.skipIf(unavailable !== undefined)(
    `recovery in the terminal client, served by the ${backend} backend${unavailable ? ` (cannot run: ${unavailable})` : ""}`,
    () => {
      it("the terminal client cut off for 2 s prints every line said meanwhile, exactly once, in order", async () => {
        const { server, link } = await chatBehindOutage(engine);
        const alice = startCli(link.proxy.wsUrl("/chat"));
        clis.push(alice);
        expect(await alice.stdout.next()).toBe("welcome user_1");
        const other = await bob(server);
        expect(await alice.stdout.next()).toBe("user_2 joined");

        const cut = await link.down(OUTAGE_MS, async () => {
          await alice.stderr.seen(/^\[connection lost \(1006\), reconnecting…\]$/);
          await sayMeanwhile(other);
        });
        expect(cut).toBeGreaterThan(0);

        await alice.stderr.seen(/^\[reconnected to \S+, nothing missed\]$/);
        alice.type("back");
        expect(await other.nextText()).toBe("user_1: back");
        expect(await alice.stdout.take(SAID_MEANWHILE.length + 1)).toEqual([
          ...SAID_MEANWHILE.map((text) => `user_2: ${text}`),
          "echo: back",
        ]);
        expect(alice.stdout.pending).toBe(0);
      });
    },
  );
}
