import * as clientBrowser from "@switchboard/client-browser";
import * as clientNode from "@switchboard/client-node";
import { ChatServer, TestClient } from "@switchboard/conformance";
import * as clientServers from "@switchboard/conformance/client-servers";
import * as core from "@switchboard/core";
import * as pubsubRedis from "@switchboard/pubsub-redis";
import { bunBackend } from "@switchboard/server-bun";
import { uwsBackend } from "@switchboard/server-uws";
import { wsBackend } from "@switchboard/server-ws";
import { WebSocket } from "ws";
import roundTrip from "./round-trip.cjs";

/** The conformance helpers from their tarball: the tutorial transcript, on uWS where it runs. */
async function conformanceHelpers() {
  const backend = process.env.UWS_ABSENT === "1" ? wsBackend() : uwsBackend();
  const server = new ChatServer({ backend });
  const { port } = await server.listen({ port: 0 });
  try {
    const alice = await TestClient.connect(`ws://127.0.0.1:${port}/chat`);
    if ((await alice.nextText()) !== "welcome user_1") throw new Error("no welcome");
    await alice.close();
  } finally {
    await server.close();
  }
}

/** Under Node the Bun backend refuses to start, with core's own error class: one copy of core. */
function bunRefusesNode() {
  try {
    bunBackend();
  } catch (error) {
    if (error instanceof core.SwitchboardError && error.code === "ENGINE_UNAVAILABLE") return;
    throw error;
  }
  throw new Error("bunBackend() started under Node.js");
}

roundTrip.main("esm", {
  core,
  backends: { ws: wsBackend, uws: uwsBackend },
  clientNode,
  clientBrowser,
  pubsubRedis,
  clientServers,
  WebSocket,
  extra: async () => {
    bunRefusesNode();
    await conformanceHelpers();
  },
});
