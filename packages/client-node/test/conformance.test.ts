import { clientConformance } from "@switchboard/conformance/client";
import { WebSocketClient } from "../src/index.js";

clientConformance({ name: "client-node", createClient: (options) => new WebSocketClient(options) });
