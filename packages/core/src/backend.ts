/**
 * The engine seam, for authors of engine bindings (`@switchboard/server-ws`,
 * `@switchboard/server-uws`, `@switchboard/server-bun`): the `Backend` a binding implements, what
 * core hands it, and the few helpers every binding needs. Applications never import this.
 * `docs/writing-a-backend.md` walks through a binding, and `@switchboard/conformance` proves one.
 *
 * @example
 * import type { Backend, EngineHost } from "@switchboard/core/backend";
 * export function myBackend(): Backend {
 *   return { name: "mine", async listen(host, address) { … }, async close() { … } };
 * }
 *
 * @module @switchboard/core/backend
 */

export { copyBytes, releaseCopy } from "./bytes.js";
export {
  type DeflateSettings,
  type UwsCompression,
  unsupportedDeflate,
  uwsCompression,
} from "./deflate.js";
export { extensionOffer, isUpgradeRequest } from "./handshake.js";
export { uwsClose } from "./message-policy.js";
export { rejection } from "./response-head.js";
export type {
  Backend,
  BodySink,
  EngineHost,
  EngineLimits,
  EngineSocket,
  FramePart,
  HttpExchange,
  ListenAddress,
  ResponseHead,
  SharedMessage,
  SocketEvents,
  TlsOptions,
  UpgradeRequest,
  UpgradeResponder,
} from "./seam.js";
export { reasonPhrase } from "./status.js";
export { UwsClosing } from "./uws-closing.js";
