/**
 * How the tests start a browser: Debian's chromium (`CHROMIUM_PATH` overrides it), never a
 * browser playwright downloads, with the flags that keep it headless, quiet and offline.
 */
export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
