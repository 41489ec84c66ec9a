import { defineConfig } from "tsup";

// Every server and load process is its own entry: each runs as a separate child process.
export default defineConfig({
  entry: [
    "src/cli.ts",
    "src/compare.ts",
    "src/servers/*.ts",
    "!src/servers/harness.ts",
    "!src/servers/crossws-hooks.ts",
    "src/load/worker.ts",
  ],
  format: ["esm"],
  target: "node20",
  outDir: "dist",
  clean: true,
  sourcemap: true,
  splitting: true,
});
