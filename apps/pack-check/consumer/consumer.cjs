const { Opcode, WebServer } = require("@switchboard/core");
const { wsBackend } = require("@switchboard/server-ws");
const { WebSocket } = require("ws");
const { main } = require("./round-trip.cjs");

main("cjs", { WebServer, Opcode, wsBackend, WebSocket });
