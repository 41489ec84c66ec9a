import { defineConfig } from "tsup";

/** The one build every library package uses: ESM + CJS + .d.ts/.d.cts from src/index.ts. */
export function libraryConfig(overrides = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    ...overrides,
  });
}
