import { defineConfig } from "vitest/config";

export default defineConfig({
  // The smoke run starts every server and scenario once: correctness only, no timing thresholds.
  test: { testTimeout: 300_000, hookTimeout: 60_000 },
});
