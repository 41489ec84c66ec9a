import {
  type Transport,
  type TransportEvents,
  type TransportOptions,
  WebSocketClientBase,
} from "@switchboard/client-core";

/** The page's global object; in a worker it has no `document`, but `online` events still come. */
const page = globalThis;

/**
 * A WebSocket client for browsers, on the native WebSocket. Subclass it and override the `on…`
 * callbacks, pass them as options, or await messages with `nextMessage()` / `for await`.
 *
 * Browsers hide the HTTP status of a refused upgrade, so here a refusal (401, 403…) looks like
 * an unreachable server and is retried as one: bound it with `maxRetries`, or have the server
 * accept and then close with a code the policy stops on (1008, 4000-4999).
 *
 * @example
 * const alice = new WebSocketClient();
 * await alice.connect("wss://chat.example/chat");
 * console.log((await alice.nextMessage()).text); // "welcome user_1"
 * alice.send("hello server!");
 * await alice.close();
 */
export class WebSocketClient extends WebSocketClientBase {
  /** Back online, or visible again (hidden tabs run timers late): do not wait out the backoff. */
  readonly #wake = () => page.document?.hidden || this.retryNow();

  /** One connection on the browser's own WebSocket, whose events the shared client takes as they are. */
  protected override createTransport(
    url: string,
    options: TransportOptions,
    events: TransportEvents,
  ): Transport {
    return Object.assign(
      new WebSocket(url, options.protocols),
      { binaryType: "arraybuffer" },
      events,
    );
  }

  protected override watch(active: boolean): void {
    const method = active ? "addEventListener" : "removeEventListener";
    // Adding the same listener twice is a no-op, so a reconnect() while active changes nothing.
    page[method]?.("online", this.#wake);
    page.document?.[method]("visibilitychange", this.#wake);
  }
}
