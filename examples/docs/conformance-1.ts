// packages/server-<engine>/test/conformance.test.ts
import { serverConformance } from "@switchboard/conformance";
import { wsBackend } from "@switchboard/server-ws";

serverConformance({ name: "ws", backend: () => wsBackend() });
