import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { expect, it } from "vitest";

const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));
/**
 * What the package may add to a page, minified and gzipped: `budget` is what the test holds,
 * `goal` what the issues ask for, read as 2500 and 4000 bytes: 2.5 KB for the client and 4 KB
 * with recovery imported (issue 18), 4 KB with typed events (issue 22).
 *
 * With recovery the goal is met, and it is the budget: 3997 B. The other two are not: the
 * client alone is 2885 B, the client with typed events 5584 B; their budgets are those figures
 * with a little room, so that growth fails here. (Refusing a reconnect `jitter` over 1 and a
 * `factor` under 1, with which every retry came at once, cost each 20 B.) (Fixes from a hostile-input sweep: a close code
 * given as a string, which left the client "closing" for good, a WebSocket constructor that
 * refuses the options, which was retried forever, and `reconnect()` from `onStop` or `onClose`,
 * which the closing client then undid, cost the client 30 B; typed events 134 B more: requests
 * across a recovered drop, answers kept to their own connection, counts per connection. The
 * clients' resend buffer splicing its front instead of keeping a moving head paid for
 * recovery's share. Holding every delay to what a timer keeps,
 * 2 ** 31 - 1 ms, cost the client 16 B and typed events 6 B more: `connectTimeout: Infinity`
 * timed out every attempt at once, and a request's `timeoutMs: Infinity` too. The clients'
 * resend buffer keeping each message as it went out, without a flag and a byte count it never
 * read, saved recovery 45 B.) (Clearing a failed attempt's connect timer,
 * which fired on the connection after it, cost 4 B; `typeof value === "function"` instead of
 * `instanceof Function` in option checking won them back.) (Before the hostile-server fixes: 2787, 5151
 * and 3996 B. The client's 29 B are the reconnect count that a connection dropping within
 * `maxDelay` of opening no longer resets; typed events add 144 B more, the peer's check of
 * every envelope it receives, `isEnvelope` (written as plain branches: one nested expression
 * was 11 B smaller), without which a server could reach an event's
 * handlers past its schema, and 36 B the bound on how many event names nobody listens to
 * keep payloads, and 36 B the peer's refusal of marked non-envelopes (`null`, `0`) and its
 * bound on how much of an unknown name a refusal repeats; the recovery fixes paid for themselves.)
 *
 * Why the client is not at 2.5 KB: with every string literal blanked out (error codes, state
 * and option names, which are its API) its bundle still gzips to 2452 B, so 2500 B means less
 * code in the default bundle, not tighter code; rewrites that kept every feature (the peer,
 * option resolution, the layer seam, pre-minifying the dist) each came out within ±20 B, since
 * esbuild already mangles private fields and gzip folds the repeated names. The typed events
 * layer adds 2364 B: the protocol peer about 870, `EventClient` about 550, the JSON codec
 * about 250, validation about 170, the layer seam about 170, the options about 120.
 */

/** What a page that imports `names` from the built package adds, minified and gzipped. */
async function sizeOf(names: string[]): Promise<{ minified: number; gzipped: number }> {
  // Bundle the built output as an app would: a dependency on anything else would fail here.
  const result = await build({
    stdin: {
      contents: `export { ${names.join(", ")} } from ${JSON.stringify(entry)};`,
      resolveDir: process.cwd(),
    },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const minified = result.outputFiles[0]!.contents;
  return { minified: minified.byteLength, gzipped: gzipSync(minified, { level: 9 }).byteLength };
}

const budgets = [
  { what: "the client", names: ["WebSocketClient"], budget: 2890, goal: 2500 },
  {
    what: "the client with typed events",
    names: ["WebSocketClient", "EventClient", "EventError"],
    budget: 5590,
    goal: 4000,
  },
  {
    // Issue 18: at most 4 KB with recovery imported (`recover: recovery`).
    what: "the client with recovery",
    names: ["WebSocketClient", "recovery"],
    budget: 4000,
    goal: 4000,
  },
];

for (const { what, names, budget, goal } of budgets) {
  it(`${what} stays under ${budget} bytes min+gzip`, async () => {
    const { minified, gzipped } = await sizeOf(names);
    console.log(
      `@switchboard/client-browser, ${what}: ${minified} B minified, ${gzipped} B min+gzip (budget ${budget} B, goal ${goal} B)`,
    );
    expect(gzipped).toBeLessThanOrEqual(budget);
  });
}
