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

/** The build of a runnable app: ESM entry points, workspace packages left as imports. */
export function appConfig(entry, overrides = {}) {
  return defineConfig({
    entry,
    format: ["esm"],
    dts: false,
    clean: true,
    sourcemap: true,
    target: "node20",
    ...overrides,
  });
}
