import {
  type DeflateSettings,
  unsupportedDeflate,
  uwsCompression,
} from "@switchboard/core/backend";
import type { BunDeflate } from "./engine.js";

/**
 * Core's permessage-deflate settings as Bun's (uWebSockets inside, so the same compressors as
 * uWebSockets.js). Bun names decompressors only "shared" or "dedicated" (a 32 KiB window).
 */
export function bunDeflate(deflate: DeflateSettings | undefined): false | BunDeflate {
  if (!deflate) return false;
  const { compressorKiB, decompressorBytes } = uwsCompression("Bun", deflate);
  if (decompressorBytes !== 0 && decompressorBytes !== 32 * 1024) {
    throw unsupportedDeflate(
      "Bun",
      "clientMaxWindowBits",
      "Bun inflates with the shared decompressor (clientNoContextTakeover) or a 15-bit window only",
    );
  }
  return {
    compress:
      compressorKiB === 0 ? "shared" : compressorKiB === 256 ? "dedicated" : `${compressorKiB}KB`,
    decompress: decompressorBytes === 0 ? "shared" : "dedicated",
  };
}
