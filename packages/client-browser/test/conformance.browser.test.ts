import { clientConformance } from "@switchboard/conformance/client";
import { EventClient, type EventClientOptions, recovery, WebSocketClient } from "../src/index.js";

clientConformance({
  name: "client-browser",
  // The page imports recovery only where it asks for it: `recover: recovery`.
  createClient: ({ recover, ...options }) =>
    new WebSocketClient({ ...options, recover: recover ? recovery : undefined }),
  createEvents: (client, options) =>
    new EventClient(client as WebSocketClient, options as EventClientOptions<never>),
  hiddenUpgradeStatus:
    "browsers do not expose the HTTP status of a refused WebSocket upgrade (the close event says 1006 whatever it was)",
  slowCloseHandshake:
    "Chromium waits 60 s for a close frame that never comes, and a page has no way to end a WebSocket sooner",
});
