import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ChatPage, useChromium } from "./support/browser.js";
import { BACKEND_CASES } from "./support/engines.js";
import { type RunningServer, startServer, stopServer } from "./support/process.js";

/**
 * Longer than `--max-message-bytes 64` as an event. The limit stays above the recovery hello
 * (about 60 bytes with a session id), which counts against it like any message.
 */
const LONG_LINE = "a line longer than the sixty-four bytes this server takes in one message";

const chromium = useChromium();
const servers: RunningServer[] = [];

async function server(...flags: string[]): Promise<RunningServer> {
  const started = await startServer(["--port", "0", ...flags]);
  servers.push(started);
  return started;
}

afterEach(async () => {
  for (const running of servers.splice(0)) await stopServer(running);
});

// The page on the Node.js backends; Bun serves the same page, tested through the server cases.
for (const { backend, unavailable } of BACKEND_CASES.filter((entry) => entry.backend !== "bun")) {
  describe.skipIf(unavailable !== undefined)(
    `the chat page in Chromium, served by the ${backend} backend${unavailable ? ` (cannot run: ${unavailable})` : ""}`,
    () => {
      it("lets two people chat: both pages show exactly the tutorial's transcript", async () => {
        const { url } = await server("--backend", backend);
        const alice = await ChatPage.open(chromium.browser, `${url}/`);
        expect(await alice.waitForLines(1)).toEqual(["welcome user_1"]);
        await alice.waitForText("nickname", "user_1");
        await alice.waitForText("state", "connected");
        await alice.waitForText("online", "1");

        const bob = await ChatPage.open(chromium.browser, `${url}/`);
        expect(await bob.waitForLines(1)).toEqual(["welcome user_2"]);
        await bob.waitForText("nickname", "user_2");
        expect(await alice.waitForLines(2)).toEqual(["welcome user_1", "user_2 joined"]);
        await alice.waitForText("online", "2");

        await alice.say("hello server!");
        await alice.waitForLines(3);
        expect(await bob.waitForLines(2)).toEqual(["welcome user_2", "user_1: hello server!"]);
        await bob.say("hi everyone!");
        expect(await bob.waitForLines(3)).toEqual([
          "welcome user_2",
          "user_1: hello server!",
          "echo: hi everyone!",
        ]);

        await bob.page.close();
        expect(await alice.waitForLines(5)).toEqual([
          "welcome user_1",
          "user_2 joined",
          "echo: hello server!",
          "user_2: hi everyone!",
          "user_2 left",
        ]);
        await alice.waitForText("online", "1");
        expect(await alice.page.inputValue("#input")).toBe("");
        await alice.page.screenshot({ path: join(tmpdir(), `switchboard-chat-${backend}.png`) });
      });
    },
  );
}

describe("the chat page's typed events", () => {
  it("shows who is typing, and answers /clients with a request over the socket", async () => {
    const { url } = await server("--backend", "ws");
    const alice = await ChatPage.open(chromium.browser, `${url}/`);
    await alice.waitForText("nickname", "user_1");
    const bob = await ChatPage.open(chromium.browser, `${url}/`);
    await bob.waitForText("nickname", "user_2");
    await alice.waitForText("online", "2");

    // A key typed is a `typing` event; sending the line ends it.
    await bob.page.fill("#input", "hel");
    await alice.waitForText("typing", "user_2 typing…");
    await bob.page.press("#input", "Enter");
    await alice.waitForText("typing", "");
    expect(await alice.waitForLines(3)).toEqual(["welcome user_1", "user_2 joined", "user_2: hel"]);

    await alice.say("/clients");
    expect((await alice.waitForLines(4))[3]).toBe("connected: user_1, user_2");
    // The request is not a chat line: bob heard nothing of it.
    expect(await bob.lines()).toEqual(["welcome user_2", "echo: hel"]);
  });
});

describe("the chat page's connection", () => {
  it("shows why the server closed it for good (1009), and does not come back", async () => {
    const { url } = await server("--max-message-bytes", "64");
    const page = await ChatPage.open(chromium.browser, `${url}/`);
    await page.waitForLines(1);
    await page.waitForText("state", "connected");
    await page.say(LONG_LINE);
    // The engine refuses the frame itself, so whether a reason comes with 1009 is its choice.
    await page.page
      .locator("#state", { hasText: /^closed by the server: 1009( .+)?$/ })
      .waitFor({ timeout: 10_000 });
    // Well past the first retry (500 ms) the server still has no client: none was attempted.
    await page.page.waitForTimeout(1500);
    expect(await (await fetch(`${url}/clients`)).text()).toBe("0");
    expect(await page.lines()).toEqual(["welcome user_1"]);
  });

  it("reconnects by itself when the server restarts, and shows it", async () => {
    // Same port again: only the ws backend can listen there at once (see docs/backends.md).
    const first = await server("--backend", "ws");
    const page = await ChatPage.open(chromium.browser, `${first.url}/`);
    await page.waitForLines(1);
    await page.waitForText("state", "connected");

    first.child.kill("SIGTERM");
    await first.exited;
    await page.waitForText("state", "reconnecting…");

    await server("--backend", "ws", "--port", String(first.port));
    // A new server process numbers from 1 again: this page is its first user.
    expect(await page.waitForLines(2)).toEqual(["welcome user_1", "welcome user_1"]);
    // It knows nothing of the old session: a new user, and the page says so.
    await page.waitForText("state", "reconnected as a new user");
    await page.say("back");
    expect(await page.waitForLines(3)).toEqual(["welcome user_1", "welcome user_1", "echo: back"]);
  });
});
