import { CHROMIUM_ARGS, CHROMIUM_PATH } from "@switchboard/test-support/chromium";
import { type Browser, chromium, type Page } from "playwright";
import { afterAll, afterEach, beforeAll } from "vitest";

const WAIT_MS = 10_000;

/** Starts Chromium; the caller closes it in `finally`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
}

/**
 * One Chromium for a test file: started before its tests, each test's tabs closed after it, and
 * closed after the last.
 */
export function useChromium(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const context of browser?.contexts() ?? []) await context.close();
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error("Chromium did not start");
      return browser;
    },
  };
}

/** The chat page in a browser tab, read and driven the way a person would. */
export class ChatPage {
  private constructor(readonly page: Page) {}

  /** Opens the page at `url` in a new tab, with its own connection. */
  static async open(browser: Browser, url: string): Promise<ChatPage> {
    const page = await browser.newPage({ viewport: { width: 760, height: 520 } });
    await page.goto(url);
    return new ChatPage(page);
  }

  /** The lines in the message list, in order. */
  lines(): Promise<string[]> {
    return this.page.locator("#messages li").allTextContents();
  }

  /** Waits until the list has `count` lines, then returns them all. */
  async waitForLines(count: number): Promise<string[]> {
    await this.page
      .locator("#messages li")
      .nth(count - 1)
      .waitFor({ timeout: WAIT_MS });
    return this.lines();
  }

  /** Waits until the element `#id` shows exactly `text`. */
  async waitForText(id: "nickname" | "online" | "state" | "typing", text: string): Promise<void> {
    const exactly = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
    await this.page.locator(`#${id}`, { hasText: exactly }).waitFor({ timeout: WAIT_MS });
  }

  /** Types `text` into the input and presses Enter. */
  async say(text: string): Promise<void> {
    await this.page.fill("#input", text);
    await this.page.press("#input", "Enter");
  }
}
