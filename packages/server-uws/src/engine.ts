import uWS from "uWebSockets.js";
import { SwitchboardError } from "@switchboard/core";

/**
 * The uWebSockets.js module, checked: on an unsupported Node.js the package silently falls back to
 * a JavaScript shim that does not work, so refuse to start instead.
 */
export function loadEngine(): typeof uWS {
  const native =
    typeof uWS?.App === "function" &&
    String(uWS.App).includes("[native code]") &&
    typeof uWS.SSLApp === "function" &&
    uWS.SHARED_COMPRESSOR !== undefined;
  if (!native) {
    throw new SwitchboardError(
      "ENGINE_UNAVAILABLE",
      `uWebSockets.js has no native build for Node.js ${process.version} (ABI ${process.versions.modules}) on ${process.platform}-${process.arch}; use Node.js 20, or wsBackend()`,
    );
  }
  return uWS;
}

/** Text of an ArrayBuffer that uWS lends only for the duration of a callback. */
export function lentText(buffer: ArrayBuffer): string {
  return Buffer.from(buffer).toString("utf8");
}
