import { clientConformance } from "@switchboard/conformance/client";
import { WebSocketClient } from "../src/index.js";

clientConformance({
  name: "client-browser",
  createClient: (options) => new WebSocketClient(options),
  hiddenUpgradeStatus:
    "browsers do not expose the HTTP status of a refused WebSocket upgrade (the close event says 1006 whatever it was)",
});
