import { CHROMIUM_ARGS, CHROMIUM_PATH } from "@switchboard/test-support/chromium";
import { type Browser, chromium, type Page } from "playwright";

const WAIT_MS = 10_000;

/** Starts Chromium; the caller closes it in `finally`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
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
