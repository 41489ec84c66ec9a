import { describe, inject, it } from "vitest";
import { cases } from "../support/runner.js";
import { closingCases } from "./cases/closing.js";
import { errorCases } from "./cases/errors.js";
import { eventCases } from "./cases/events.js";
import { hostileEventCases } from "./cases/hostile-events.js";
import { hostileFuzzCases } from "./cases/hostile-fuzz.js";
import { hostileRecoveryCases } from "./cases/hostile-recovery.js";
import { hostileTransportCases } from "./cases/hostile-transport.js";
import { messageCases } from "./cases/messages.js";
import { reconnectCases } from "./cases/reconnect.js";
import { reconnectPolicyCases } from "./cases/reconnect-policy.js";
import { recoveryCases } from "./cases/recovery.js";
import { transcriptCases } from "./cases/transcript.js";
import { clientSuiteContext } from "./context.js";

/** The longest a test may take unless it says otherwise. */
const TEST_TIMEOUT_MS = 30_000;

import {
  CLIENT_SERVERS_KEY,
  type ClientConformanceOptions,
  type ClientServersInfo,
} from "./types.js";

/**
 * Registers the client conformance suite with vitest: every case, once per server backend the
 * globalSetup (`clientServers()` from `@switchboard/conformance/client-servers`) started.
 * Browser-safe: it talks to those servers over HTTP and WebSocket only.
 *
 * @example
 * // test/conformance.test.ts
 * import { clientConformance } from "@switchboard/conformance/client";
 * import { WebSocketClient } from "@switchboard/client-node";
 * clientConformance({ name: "client-node", createClient: (options) => new WebSocketClient(options) });
 */
export function clientConformance(options: ClientConformanceOptions): void {
  // vitest types `inject` by an augmented ProvidedContext; a cast keeps that augmentation out of
  // the published types of every package that runs the suite.
  const info = (inject as unknown as (key: string) => ClientServersInfo | undefined)(
    CLIENT_SERVERS_KEY,
  );
  const unavailable = Object.entries(info?.unavailable ?? {});
  if (!info || info.backends.length + unavailable.length === 0) {
    throw new Error(
      "clientConformance needs the clientServers() globalSetup from @switchboard/conformance/client-servers",
    );
  }
  describe(`client conformance: ${options.name}`, () => {
    for (const backend of info.backends) {
      describe(`against the ${backend} backend`, () => {
        const runner = cases({
          timeoutMs: TEST_TIMEOUT_MS,
          skip: info.skips?.[backend],
          label: backend,
        });
        const ctx = clientSuiteContext(options, backend, info, runner.it);
        transcriptCases(ctx);
        messageCases(ctx);
        closingCases(ctx);
        reconnectCases(ctx);
        reconnectPolicyCases(ctx);
        errorCases(ctx);
        eventCases(ctx);
        recoveryCases(ctx);
        runner.checkSkips();
      });
    }
    // Hostile servers are bare TCP sockets in the control server: no backend runs them, so
    // their cases run once, not once per backend.
    describe("against hostile servers", () => {
      const runner = cases({ timeoutMs: TEST_TIMEOUT_MS, skip: [], label: "hostile" });
      const ctx = clientSuiteContext(options, info.backends[0] ?? "", info, runner.it);
      hostileTransportCases(ctx);
      hostileRecoveryCases(ctx);
      hostileEventCases(ctx);
      hostileFuzzCases(ctx);
    });
    for (const [backend, reason] of unavailable) {
      describe(`against the ${backend} backend`, () => {
        it.skip(`cannot run: ${reason}`, () => {});
      });
    }
  });
}
