import { serverConformance } from "@switchboard/conformance";
import { uwsBuilds } from "@switchboard/test-support/uws-builds";
import { describe, expect, it } from "vitest";
import { type UwsEngine, uwsBackend } from "../src/index.js";
import { skipsOf } from "./support/skips.js";

// The suite runs once per uWebSockets.js build that loads on this runtime, each injected with
// `engine`; a build that cannot load is a named skip with the loader's reason.
const builds = uwsBuilds();

for (const build of builds) {
  if (build.engine === undefined) {
    describe(`server conformance: uws (${build.name})`, () => {
      it.skip(`cannot run: ${build.reason}`, () => {});
    });
    continue;
  }
  const engine = build.engine as UwsEngine;
  serverConformance({
    name: `uws (${build.name})`,
    backend: () => uwsBackend({ engine }),
    skip: skipsOf(build.name),
  });
}

describe("uWebSockets.js builds", () => {
  it.runIf(process.versions.node.startsWith("20."))(
    "at least one build loads on Node 20, so the suite really runs here",
    () => {
      expect(
        builds.filter((build) => build.engine !== undefined).map((build) => build.name),
        builds.map((build) => build.reason).join("; "),
      ).not.toEqual([]);
    },
  );
});
