import type { DeflateSettings } from "@switchboard/core/backend";
import type { PerMessageDeflateOptions } from "ws";

/**
 * Core's permessage-deflate settings as ws's options. ws has no shared compressor: `"shared"`
 * is ws's per-connection zlib with no server context takeover, which ws creates on the first
 * compressed message of a connection, not at connect. Window sizes go to ws only when asked for:
 * ws then refuses offers that do not name them, which a default must not do.
 */
export function wsDeflateOptions(
  deflate: DeflateSettings | undefined,
): PerMessageDeflateOptions | false {
  if (!deflate) return false;
  const { given } = deflate;
  return {
    threshold: deflate.threshold,
    ...(deflate.serverNoContextTakeover && { serverNoContextTakeover: true }),
    ...(deflate.clientNoContextTakeover && { clientNoContextTakeover: true }),
    ...(given.has("serverMaxWindowBits") && { serverMaxWindowBits: deflate.serverMaxWindowBits }),
    ...(given.has("clientMaxWindowBits") && { clientMaxWindowBits: deflate.clientMaxWindowBits }),
    zlibDeflateOptions: { memLevel: deflate.memLevel },
  };
}
