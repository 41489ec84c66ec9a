import { describe } from "vitest";
import { admissionCases } from "./cases/admission.js";
import { badInputCases } from "./cases/bad-input.js";
import { bodyCases } from "./cases/bodies.js";
import { corsCases } from "./cases/cors.js";
import { deflateCases } from "./cases/deflate.js";
import { descriptorCases } from "./cases/descriptors.js";
import { errorCases } from "./cases/errors.js";
import { eventCases } from "./cases/events.js";
import { flowControlCases } from "./cases/flow-control.js";
import { handshakeCases } from "./cases/handshake.js";
import { hostileFuzzCases } from "./cases/hostile-fuzz.js";
import { hostileHttpCases } from "./cases/hostile-http.js";
import { hostileProtocolCases } from "./cases/hostile-protocols.js";
import { httpFramingCases } from "./cases/http-framing.js";
import { httpLimitCases } from "./cases/http-limits.js";
import { lifecycleCases } from "./cases/lifecycle.js";
import { limitCases } from "./cases/limits.js";
import { livenessCases } from "./cases/liveness.js";
import { loadCases } from "./cases/load.js";
import { messageBoundCases } from "./cases/message-bounds.js";
import { messageCases } from "./cases/messages.js";
import { perIpCases } from "./cases/per-ip.js";
import { recoveryCases } from "./cases/recovery.js";
import { recoveryHandoffCases } from "./cases/recovery-handoff.js";
import { routingCases } from "./cases/routing.js";
import { shutdownCases } from "./cases/shutdown.js";
import { sseCases } from "./cases/sse.js";
import { staticCases } from "./cases/static.js";
import { streamingCases } from "./cases/streaming.js";
import { topicCases } from "./cases/topics.js";
import { transcriptCases } from "./cases/transcript.js";
import { transportCases } from "./cases/transport.js";
import { type ServerConformanceOptions, suiteContext } from "./support/context.js";
import { cases } from "./support/runner.js";

/** The longest a test may take unless it says otherwise. */
const TEST_TIMEOUT_MS = 30_000;

/**
 * Registers the whole server conformance suite with vitest for one backend. A backend's test
 * file is just this call.
 *
 * @example
 * // test/conformance.test.ts
 * import { serverConformance } from "@switchboard/conformance";
 * import { wsBackend } from "@switchboard/server-ws";
 * serverConformance({ name: "ws", backend: () => wsBackend() });
 *
 * @example
 * // An engine that cannot pass a test declares it, with the engine's reason:
 * serverConformance({
 *   name: "my-engine",
 *   backend: () => myBackend(),
 *   skip: [{ reason: "my-engine 1.2 cannot send X", tests: ["the test's title"] }],
 * });
 */
export function serverConformance(options: ServerConformanceOptions): void {
  describe(`server conformance: ${options.name}`, () => {
    const runner = cases({ timeoutMs: TEST_TIMEOUT_MS, skip: options.skip, label: options.name });
    const ctx = suiteContext(options, runner.it);
    transcriptCases(ctx);
    messageCases(ctx);
    lifecycleCases(ctx);
    shutdownCases(ctx);
    handshakeCases(ctx);
    routingCases(ctx);
    bodyCases(ctx);
    streamingCases(ctx);
    sseCases(ctx);
    httpLimitCases(ctx);
    httpFramingCases(ctx);
    staticCases(ctx);
    corsCases(ctx);
    errorCases(ctx);
    admissionCases(ctx);
    limitCases(ctx);
    perIpCases(ctx);
    livenessCases(ctx);
    flowControlCases(ctx);
    topicCases(ctx);
    eventCases(ctx);
    recoveryCases(ctx);
    recoveryHandoffCases(ctx);
    transportCases(ctx);
    badInputCases(ctx);
    hostileProtocolCases(ctx);
    hostileHttpCases(ctx);
    hostileFuzzCases(ctx);
    loadCases(ctx);
    messageBoundCases(ctx);
    deflateCases(ctx);
    descriptorCases(ctx);
    runner.checkSkips();
  });
}
