/**
 * Regenerates docs/images/chat.png: two pages play the tutorial's chat on the built server and
 * the first one is photographed. Run after `pnpm build`: `pnpm --filter chat-example screenshot`.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { ChatPage, launchChromium } from "../test/support/browser.js";
import { startServer, stopServer } from "../test/support/process.js";

const OUTPUT = fileURLToPath(new URL("../../../docs/images/chat.png", import.meta.url));

const server = await startServer(["--port", "0"]);
const browser = await launchChromium();
try {
  const alice = await ChatPage.open(browser, `${server.url}/`);
  await alice.waitForLines(1);
  const bob = await ChatPage.open(browser, `${server.url}/`);
  await bob.waitForLines(1);
  await alice.waitForLines(2);
  await alice.say("hello server!");
  await bob.waitForLines(2);
  await bob.say("hi everyone!");
  await alice.waitForLines(4);
  await alice.waitForText("online", "2");
  await alice.page.locator("#input").fill("nice to meet you");
  await mkdir(dirname(OUTPUT), { recursive: true });
  await alice.page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT}`);
} finally {
  await browser.close();
  await stopServer(server);
}
