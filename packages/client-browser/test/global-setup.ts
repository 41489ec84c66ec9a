import { clientServers } from "@switchboard/conformance/client-servers";
import { uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";

// The client suite runs once per backend listed here.
export default clientServers([
  { name: "ws", backend: () => wsBackend() },
  { name: "uws", backend: () => uwsBackend() },
]);
