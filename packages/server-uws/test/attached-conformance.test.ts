import { serverConformance } from "@switchboard/conformance";
import { uwsBuilds } from "@switchboard/test-support/uws-builds";
import { describe, it } from "vitest";
import type { Engine } from "../src/engine.js";
import { attachedToApplicationApp } from "./support/application-app.js";
import { skipsOf } from "./support/skips.js";

// The whole suite once more per build, with Switchboard added to an application's uWS app
// that serves a route of its own (see support/application-app.ts).
for (const build of uwsBuilds()) {
  if (build.engine === undefined) {
    describe(`server conformance: uws (${build.name}, on the application's app)`, () => {
      it.skip(`cannot run: ${build.reason}`, () => {});
    });
    continue;
  }
  const engine = build.engine as Engine;
  serverConformance({
    name: `uws (${build.name}, on the application's app)`,
    backend: () => attachedToApplicationApp(engine),
    skip: [
      ...skipsOf(build.name),
      {
        reason:
          "on the application's app the listen socket is the application's: Switchboard cannot stop and resume it when the process runs out of file descriptors, and uWebSockets.js 20.x then retries accept on every loop turn",
        tests: [
          "out of file descriptors, refuses new clients at once, idles, keeps serving, and recovers",
        ],
      },
    ],
  });
}
