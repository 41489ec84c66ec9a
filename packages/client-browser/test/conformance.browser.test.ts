import { clientConformance } from "@switchboard/conformance/client";
import { WebSocketClient } from "../src/index.js";

clientConformance({
  name: "client-browser",
  createClient: (options) => new WebSocketClient(options),
});
