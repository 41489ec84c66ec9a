import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { expect, it } from "vitest";

/**
 * What the package may add to a page, minified and gzipped. It was 2.5 KB until reconnect
 * learnt to respect close codes and upgrade statuses (the policy, `shouldReconnect`, `onStop`,
 * the longer wait after 1008, the online/visible wake-up), which cost about 480 bytes.
 */
const BUDGET_BYTES = 3 * 1024;

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
