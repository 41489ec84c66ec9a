// The acceptance of the attach guide: one Express app on one port serves GET routes, a static
// folder and the Switchboard chat, and a real Chromium page chats after the Express routes were hit.
import { existsSync } from "node:fs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "@switchboard/test-support/chromium";
import { type Browser, chromium, type Page } from "playwright";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChatServer } from "../docs/getting-started-1.js";

const WAIT_MS = 10_000;

let chat: ChatServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await chat?.close();
  chat = undefined;
});

/** Waits until the page's message list has `count` lines, and returns them. */
async function lines(page: Page, count: number): Promise<string[]> {
  await page
    .locator("#messages li")
    .nth(count - 1)
    .waitFor({ timeout: WAIT_MS });
  return page.locator("#messages li").allTextContents();
}

async function say(page: Page, text: string) {
  await page.fill("#input", text);
  await page.press("#input", "Enter");
}

describe("Express, its static folder and the chat on one port, in Chromium", () => {
  it.skipIf(!existsSync(CHROMIUM_PATH))(
    `the chat works in the page after Express's routes were hit (needs Chromium at ${CHROMIUM_PATH})`,
    async () => {
      vi.spyOn(console, "log").mockImplementation(() => {});
      const { main } = await import("../docs/attach-express.js");
      chat = await main(0);
      const base = chat.address?.url ?? "";
      let browser: Browser | undefined;
      try {
        browser = await chromium.launch({
          executablePath: CHROMIUM_PATH,
          args: [...CHROMIUM_ARGS],
        });
        const first = await browser.newPage();
        // Express first: a GET route with a parameter, a JSON route, then the static page.
        await first.goto(`${base}/api/hello/chromium`);
        expect(await first.textContent("body")).toBe("hello chromium");
        await first.goto(`${base}/api/time`);
        expect(JSON.parse((await first.textContent("body")) ?? "").now).toMatch(/^\d{4}-/);
        await first.goto(`${base}/`);
        expect(await first.title()).toBe("Express and a Switchboard chat");
        expect(await lines(first, 1)).toEqual(["welcome user_1"]);

        const second = await browser.newPage();
        await second.goto(`${base}/`);
        expect(await lines(second, 1)).toEqual(["welcome user_2"]);
        expect(await lines(first, 2)).toEqual(["welcome user_1", "user_2 joined"]);

        await say(second, "hello from the second tab");
        expect(await lines(second, 2)).toEqual([
          "welcome user_2",
          "echo: hello from the second tab",
        ]);
        expect((await lines(first, 3))[2]).toBe("user_2: hello from the second tab");

        // Express still answers the page while its WebSocket is open.
        const fromPage = await first.evaluate(async () => (await fetch("/api/hello/again")).text());
        expect(fromPage).toBe("hello again");
        await say(first, "and back");
        expect((await lines(second, 3))[2]).toBe("user_1: and back");

        await second.close();
        expect((await lines(first, 5))[4]).toBe("user_2 left");
      } finally {
        await browser?.close();
      }
    },
    60_000,
  );
});
