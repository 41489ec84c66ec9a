import { defineConfig } from "vitest/config";

export default defineConfig({
  // Each file runs its own redis-server and server processes; one file at a time keeps a
  // two-core machine from starving them.
  test: { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false },
});
