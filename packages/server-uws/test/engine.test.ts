// Specific to this backend: loading a native engine the user brings is uWebSockets.js's concern
// alone (ws is a plain dependency of server-ws).
import { SwitchboardError } from "@switchboard/core";
import { uwsBuilds } from "@switchboard/test-support/uws-builds";
import { describe, expect, it } from "vitest";
import { type UwsEngine, uwsBackend } from "../src/index.js";

function refusal(engine: UwsEngine): SwitchboardError {
  try {
    uwsBackend({ engine });
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error("uwsBackend accepted the engine");
}

describe("the engine uwsBackend runs on", () => {
  it("refuses a module that is not a native build with ENGINE_UNAVAILABLE, saying what this runtime is and what to do", () => {
    const shim = { App: () => ({}), SSLApp: () => ({}), SHARED_COMPRESSOR: 1 };
    const error = refusal(shim);
    expect(error.code).toBe("ENGINE_UNAVAILABLE");
    expect(error.message).toContain(process.version);
    expect(error.message).toContain(`ABI ${process.versions.modules}`);
    expect(error.message).toContain(`${process.platform}-${process.arch}`);
    expect(error.message).toMatch(/uNetworking\/uWebSockets\.js#v\d/);
    expect(error.message).toContain("wsBackend()");
  });

  // A build that cannot load here is reported by the conformance file, with its reason.
  for (const build of uwsBuilds()) {
    if (build.engine === undefined) continue;
    it(`accepts ${build.name}, which loads here, passed as { engine }`, () => {
      expect(() => uwsBackend({ engine: build.engine as UwsEngine })).not.toThrow();
    });
  }
});
