import {
  type ClientOptions,
  type ClientRecovery,
  recovery,
  type Transport,
  type TransportEvents,
  type TransportOptions,
  WebSocketClientBase,
} from "@switchboard/client-core";
import { wsTransport } from "./transport.js";

/** Options of the Node client: the shared options plus request headers. */
export interface NodeClientOptions extends ClientOptions {
  /** Extra headers on the upgrade request, e.g. `{ authorization: "Bearer …" }`. */
  headers?: Record<string, string>;
}

/**
 * A WebSocket client for Node, on ws. Subclass it and override the `on…` callbacks, pass them as
 * options, or await messages with `nextMessage()` / `for await`.
 *
 * @example
 * const alice = new WebSocketClient();
 * await alice.connect("ws://127.0.0.1:8080/chat");
 * console.log((await alice.nextMessage()).text); // "welcome user_1"
 * alice.send("hello server!");
 * await alice.close();
 */
export class WebSocketClient extends WebSocketClientBase {
  readonly #headers: Record<string, string> | undefined;

  constructor(options: NodeClientOptions = {}) {
    super(options);
    this.#headers = options.headers ? { ...options.headers } : undefined;
  }

  /** `recover: true` works in Node: the recovery module is always included. */
  protected override recovery(client: WebSocketClientBase): ClientRecovery {
    return recovery(client);
  }

  protected override createTransport(
    url: string,
    options: TransportOptions,
    events: TransportEvents,
  ): Transport {
    return wsTransport(url, { ...options, headers: this.#headers }, events);
  }
}
