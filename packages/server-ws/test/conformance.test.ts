import { serverConformance } from "@switchboard/conformance";
import { wsBackend } from "../src/index.js";

serverConformance({ name: "ws", backend: () => wsBackend() });
