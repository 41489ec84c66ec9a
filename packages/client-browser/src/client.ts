import {
  type Transport,
  type TransportEvents,
  type TransportOptions,
  WebSocketClientBase,
} from "@switchboard/client-core";
import { browserTransport } from "./transport.js";

/**
 * A WebSocket client for browsers, on the native WebSocket. Subclass it and override the `on…`
 * callbacks, pass them as options, or await messages with `nextMessage()` / `for await`.
 *
 * @example
 * const alice = new WebSocketClient();
 * await alice.connect("wss://chat.example/chat");
 * console.log((await alice.nextMessage()).text); // "welcome user_1"
 * alice.send("hello server!");
 * await alice.close();
 */
export class WebSocketClient extends WebSocketClientBase {
  protected override createTransport(
    url: string,
    options: TransportOptions,
    events: TransportEvents,
  ): Transport {
    return browserTransport(url, options, events);
  }
}
