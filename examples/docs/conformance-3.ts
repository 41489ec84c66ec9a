// test/conformance.test.ts (or *.browser.test.ts in a browser project)
import { WebSocketClient } from "@switchboard/client-node";
import { clientConformance } from "@switchboard/conformance/client";

clientConformance({ name: "client-node", createClient: (options) => new WebSocketClient(options) });
