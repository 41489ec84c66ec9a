import { serverConformance } from "@switchboard/conformance";
import { attachedToApplication } from "./support/application.js";

// The whole suite once more, with Switchboard attached to an application's node:http server
// that serves routes of its own (see support/application.ts).
serverConformance({
  name: "ws (attached)",
  backend: () => attachedToApplication(),
  skip: [
    {
      reason:
        "node:http reads a request head before anything is attached to it, so an unfinished head is timed by the application's server (its headersTimeout), not by headersTimeoutMs",
      tests: ["cuts off a malformed request and one whose head never completes, and keeps serving"],
    },
  ],
});
