// test/global-setup.ts: the suite runs once per backend listed here
import { clientServers } from "@switchboard/conformance/client-servers";
import { wsBackend } from "@switchboard/server-ws";

export default clientServers([{ name: "ws", backend: () => wsBackend() }]);
