// @switchboard/conformance's main and /client entries import vitest, which refuses require():
// from CommonJS only /client-servers (the globalSetup, no vitest) is usable.
const core = require("@switchboard/core");
const { wsBackend } = require("@switchboard/server-ws");
const { uwsBackend } = require("@switchboard/server-uws");
const clientNode = require("@switchboard/client-node");
const clientBrowser = require("@switchboard/client-browser");
const pubsubRedis = require("@switchboard/pubsub-redis");
const clientServers = require("@switchboard/conformance/client-servers");
const { WebSocket } = require("ws");
const { main } = require("./round-trip.cjs");

main("cjs", {
  core,
  backends: { ws: wsBackend, uws: uwsBackend },
  clientNode,
  clientBrowser,
  pubsubRedis,
  clientServers,
  WebSocket,
});
