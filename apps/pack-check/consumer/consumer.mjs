import { Opcode, WebServer } from "@switchboard/core";
import { wsBackend } from "@switchboard/server-ws";
import { WebSocket } from "ws";
import roundTrip from "./round-trip.cjs";

roundTrip.main("esm", { WebServer, Opcode, wsBackend, WebSocket });
