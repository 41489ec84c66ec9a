import { clientConformance } from "@switchboard/conformance/client";
import { EventClient, type EventClientOptions, WebSocketClient } from "../src/index.js";

clientConformance({
  name: "client-browser",
  createClient: (options) => new WebSocketClient(options),
  createEvents: (client, options) =>
    new EventClient(client as WebSocketClient, options as EventClientOptions<never>),
});
