import { clientServers } from "@switchboard/conformance/client-servers";
import { type UwsEngine, uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";
import { loadableUws } from "@switchboard/test-support/uws-builds";

// The client suite runs once per backend listed here; uWS on the first build that loads here, or
// as a named skip where none does.
const uws = loadableUws();

export default clientServers([
  { name: "ws", backend: () => wsBackend() },
  "engine" in uws
    ? { name: "uws", backend: () => uwsBackend({ engine: uws.engine as UwsEngine }) }
    : { name: "uws", unavailable: uws.reason },
]);
