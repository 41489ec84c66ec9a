import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

// Debian's chromium; playwright's own browser downloads are not used.
const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "size",
          include: ["test/size.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "chromium",
          include: ["test/**/*.browser.test.ts"],
          globalSetup: ["./test/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath, args } }),
            instances: [{ browser: "chromium" }],
            // The page and its vite server stay on loopback, like every server in the tests.
            api: { host: "127.0.0.1" },
          },
        },
      },
    ],
  },
});
