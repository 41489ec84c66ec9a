// Specific to this backend: which permessage-deflate settings uWebSockets.js has compressors for.
// The conformance suite checks that each setting is negotiated as asked or refused; this file
// checks that uWS refuses exactly what it cannot do, and says why.
import { type PerMessageDeflateOptions, WebServer } from "@switchboard/core";
import { uwsBuilds } from "@switchboard/test-support/uws-builds";
import { describe, expect, it } from "vitest";
import { type UwsEngine, uwsBackend } from "../src/index.js";

const engine = uwsBuilds().find((build) => build.engine !== undefined)?.engine as
  | UwsEngine
  | undefined;

async function listenWith(perMessageDeflate: PerMessageDeflateOptions): Promise<unknown> {
  const server = new WebServer({ backend: uwsBackend({ engine }), perMessageDeflate });
  try {
    await server.listen({ port: 0, host: "127.0.0.1" });
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await server.close();
  }
}

describe.runIf(engine)("permessage-deflate on uWebSockets.js", () => {
  it.each([
    [{ memLevel: 4 }, /memLevel is not supported on uWebSockets\.js: the shared compressor/],
    [{ serverMaxWindowBits: 10 }, /serverMaxWindowBits is not supported on uWebSockets\.js/],
    [
      { compressor: "dedicated", serverNoContextTakeover: true },
      /serverNoContextTakeover is not supported on uWebSockets\.js: a dedicated compressor keeps its window/,
    ],
    [
      { compressor: "dedicated", serverMaxWindowBits: 12, memLevel: 8 },
      /take \(serverMaxWindowBits, memLevel\) \(9, 1\).*not \(12, 8\)/,
    ],
  ] as const)("refuses %j at listen() with INVALID_OPTION", async (options, message) => {
    const error = await listenWith(options as PerMessageDeflateOptions);
    expect(error).toMatchObject({ code: "INVALID_OPTION" });
    expect(String((error as Error).message)).toMatch(message);
  });

  it.each([
    { compressor: "dedicated", serverMaxWindowBits: 9 },
    { compressor: "dedicated", memLevel: 1 },
    { compressor: "dedicated", serverMaxWindowBits: 14, memLevel: 7 },
    { clientNoContextTakeover: false, clientMaxWindowBits: 9 },
  ] as const)("has a compressor for %j", async (options) => {
    expect(await listenWith(options as PerMessageDeflateOptions)).toBeUndefined();
  });
});
