import { defineConfig } from "vitest/config";

// Packing and a real npm install take a while on a cold cache.
export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
