import { clientServers } from "@switchboard/conformance/client-servers";
import { uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";

// The client suite runs once per backend listed here, less the tests each engine cannot pass.
export default clientServers([
  { name: "ws", backend: () => wsBackend() },
  {
    name: "uws",
    backend: () => uwsBackend(),
    skip: [
      {
        reason:
          "uWebSockets.js 20.30 listens without SO_REUSEADDR, so its connections that the server closed first (as browsers let it) hold the port in TIME_WAIT for up to 60 s",
        tests: [
          "reconnects after the server restarts on the same port, then sends what was queued",
        ],
      },
    ],
  },
]);
