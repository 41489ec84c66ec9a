import type { WebSocket } from "uWebSockets.js";
import type { EngineSocket, SocketEvents } from "@switchboard/core";

/** What each uWS socket carries from the upgrade to its events. */
export interface SocketData {
  context: unknown;
  protocol: string;
  events?: SocketEvents;
}

/** Engine operations on one uWS socket, in the shape core expects. */
export function engineSocket(ws: WebSocket<SocketData>, compress: boolean): EngineSocket {
  return {
    send(data, binary, part) {
      // Sends may come from any tick (timers, awaits): cork so each is one syscall, as uWS expects.
      ws.cork(() => {
        if (part === "whole") ws.send(data, binary, compress);
        else if (part === "first") ws.sendFirstFragment(data, binary, compress);
        else if (part === "middle") ws.sendFragment(data, compress);
        else ws.sendLastFragment(data, compress);
      });
    },
    get bufferedAmount() {
      return ws.getBufferedAmount();
    },
    close(code, reason) {
      ws.end(code, reason);
    },
    terminate() {
      ws.close();
    },
    ping() {
      ws.ping();
    },
  };
}
