// Runs under Bun (`pnpm --filter @switchboard/server-bun test`): bun test maps vitest to bun:test.
import { serverConformance } from "@switchboard/conformance";
import { bunBackend } from "../src/index.js";

serverConformance({ name: "bun", backend: () => bunBackend() });
