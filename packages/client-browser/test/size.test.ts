import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { expect, it } from "vitest";

const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));
/**
 * What the package may add to a page, minified and gzipped: `budget` is what the test holds,
 * `goal` what the issues ask for (2.5 KB without events, issue 18; 4 KB with them, issue 22).
 *
 * Neither goal is reached yet, and no single part is the cause. Taking one feature out of the
 * client, as an experiment, wins: the close-code policy with `maxRetries`, `onStop` and the
 * longer waits about 120 B; the URL and close-argument checks about 110 B; the online/visible
 * wake-up about 90 B; option validation about 75 B. So 2.5 KB means deciding what leaves the
 * default bundle. The typed events layer (protocol, peer, codec, validation, `EventClient`)
 * adds about 2.3 KB on top.
 * Each budget is today's figure with a little room, so that growth fails here.
 */
const KB = 1024;

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
  { what: "the client", names: ["WebSocketClient"], budget: 2.875 * KB, goal: 2.5 * KB },
  {
    what: "the client with typed events",
    names: ["WebSocketClient", "EventClient", "EventError"],
    budget: 5.125 * KB,
    goal: 4 * KB,
  },
  {
    // Issue 18: at most 4 KB with recovery imported (`recover: recovery`).
    what: "the client with recovery",
    names: ["WebSocketClient", "recovery"],
    budget: 4 * KB,
    goal: 4 * KB,
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
