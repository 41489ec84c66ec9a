// Runs under Bun (`pnpm --filter @switchboard/server-bun test`): bun test maps vitest to bun:test.
import { serverConformance } from "@switchboard/conformance";
import { bunBackend } from "../src/index.js";

serverConformance({
  name: "bun",
  backend: () => bunBackend(),
  skip: [
    {
      reason:
        "Bun.serve 1.4 ends a chunked body at its last chunk and reads the trailer section after it as the next request (answered 400); core never sees it",
      tests: ["reads a chunked body's trailer section as part of its request: one answer"],
    },
    {
      reason:
        "Bun.serve 1.4 sends every streamed body chunked and drops a Content-Length set for it; a body sent whole keeps its length",
      tests: [
        "sends a streamed body of known length with its Content-Length",
        "sends a large file with its Content-Length",
      ],
    },
    {
      reason:
        "Bun 1.4 retries a failed accept on every turn of its event loop when the process is out of file descriptors (new clients wait unanswered, CPU spins), and Bun.serve cannot stop listening and listen again while keeping its sockets",
      tests: [
        "out of file descriptors, refuses new clients at once, idles, keeps serving, and recovers",
      ],
    },
  ],
});
