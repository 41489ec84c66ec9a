import { clientConformance } from "@switchboard/conformance/client";
import { EventClient, type EventClientOptions, WebSocketClient } from "../src/index.js";

clientConformance({
  name: "client-browser",
  createClient: (options) => new WebSocketClient(options),
  createEvents: (client, options) =>
    new EventClient(client as WebSocketClient, options as EventClientOptions<never>),
  hiddenUpgradeStatus:
    "browsers do not expose the HTTP status of a refused WebSocket upgrade (the close event says 1006 whatever it was)",
});
