import { describe } from "vitest";
import { bodyCases } from "./cases/bodies.js";
import { corsCases } from "./cases/cors.js";
import { errorCases } from "./cases/errors.js";
import { handshakeCases } from "./cases/handshake.js";
import { lifecycleCases } from "./cases/lifecycle.js";
import { limitCases } from "./cases/limits.js";
import { messageCases } from "./cases/messages.js";
import { routingCases } from "./cases/routing.js";
import { sseCases } from "./cases/sse.js";
import { staticCases } from "./cases/static.js";
import { streamingCases } from "./cases/streaming.js";
import { transcriptCases } from "./cases/transcript.js";
import { type ServerConformanceOptions, suiteContext } from "./support/context.js";

/**
 * Registers the whole server conformance suite with vitest for one backend. A backend's test
 * file is just this call.
 *
 * @example
 * // test/conformance.test.ts
 * import { serverConformance } from "@switchboard/conformance";
 * import { wsBackend } from "@switchboard/server-ws";
 * serverConformance({ name: "ws", backend: () => wsBackend() });
 */
export function serverConformance(options: ServerConformanceOptions): void {
  describe(`server conformance: ${options.name}`, () => {
    const ctx = suiteContext(options);
    transcriptCases(ctx);
    messageCases(ctx);
    lifecycleCases(ctx);
    handshakeCases(ctx);
    routingCases(ctx);
    bodyCases(ctx);
    streamingCases(ctx);
    sseCases(ctx);
    limitCases(ctx);
    staticCases(ctx);
    corsCases(ctx);
    errorCases(ctx);
  });
}
