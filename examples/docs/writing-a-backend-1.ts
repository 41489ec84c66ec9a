// packages/server-bun/test/conformance.test.ts
import { serverConformance } from "@switchboard/conformance";
import { bunBackend } from "@switchboard/server-bun";

serverConformance({
  name: "bun",
  backend: () => bunBackend(),
  // What the engine cannot do and core cannot do for it, each with the engine's reason.
  skip: [
    {
      reason:
        "Bun.serve 1.4 sends every streamed body chunked and drops a Content-Length set for it; a body sent whole keeps its length",
      tests: [
        "sends a streamed body of known length with its Content-Length",
        "sends a large file with its Content-Length",
      ],
    },
  ],
});
