import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { expect, it } from "vitest";

/**
 * What the package may add to a page, minified and gzipped. Issue 18 asks for 2.5 KB; the
 * reconnect policy (close codes, `shouldReconnect`, `onStop`, `maxRetries`, the longer wait
 * after 1008, the online/visible wake-up) took it from under 2.5 KB to 2.94 KB, and reshaping
 * the shared client won part of that back, to 2.76 KB. This budget keeps what was won; 2.5 KB
 * needs a decision on what leaves the default bundle.
 */
const BUDGET_BYTES = 2.875 * 1024;

it(`the bundled client stays under ${BUDGET_BYTES} bytes min+gzip`, async () => {
  // Bundle the built output as an app would: a dependency on anything else would fail here.
  const result = await build({
    entryPoints: [fileURLToPath(new URL("../dist/index.js", import.meta.url))],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const minified = result.outputFiles[0]!.contents;
  const gzipped = gzipSync(minified, { level: 9 }).byteLength;
  console.log(
    `@switchboard/client-browser: ${minified.byteLength} B minified, ${gzipped} B min+gzip (budget ${BUDGET_BYTES} B)`,
  );
  expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
});
