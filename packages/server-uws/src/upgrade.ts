import type { HttpResponse, us_socket_context_t } from "uWebSockets.js";
import {
  type EngineHost,
  extensionOffer,
  type ResponseHead,
  reasonPhrase,
  rejection,
  type UpgradeRequest,
  type UpgradeResponder,
} from "@switchboard/core/backend";
import { addressOf } from "./request.js";
import type { SocketData } from "./socket.js";

/**
 * One upgrade on uWS: the request core checks and the responder it answers through, in one
 * object rather than a copied request and a handful of closures per connection.
 *
 * Method, URL and headers are read out of uWS in its handler, as uWS requires (core's checks read
 * every header: the 431 bound counts them all). The peer's address is taken in binary there and
 * turned into text when first read. `onAborted` is registered only for an upgrade still pending
 * when the handler returns: core answers most of them at once.
 */
export class UwsUpgrade implements UpgradeRequest, UpgradeResponder {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly #res: HttpResponse;
  readonly #context: us_socket_context_t | undefined;
  #address: ArrayBuffer | string;
  /** Set once the upgrade is answered (accepted or refused) or the client went away. */
  #done = false;
  #inHandler = true;
  #onAbort: (() => void) | undefined;

  constructor(
    res: HttpResponse,
    method: string,
    url: string,
    headers: Record<string, string>,
    context: us_socket_context_t | undefined,
  ) {
    this.#res = res;
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.#context = context;
    this.#address = res.getRemoteAddress();
  }

  get remoteAddress(): string {
    const text = addressOf(this.#address);
    this.#address = text;
    return text;
  }

  accept(protocol: string, socketContext: unknown): void {
    if (this.#done) return;
    if (!this.#context) {
      this.reject(...rejection(400, "not a WebSocket handshake"));
      return;
    }
    this.#done = true;
    // Inside its handler uWS has corked the response already; a later decision needs a cork.
    if (this.#inHandler) this.#upgrade(protocol, socketContext, this.#context);
    else {
      const context = this.#context;
      this.#res.cork(() => this.#upgrade(protocol, socketContext, context));
    }
  }

  reject(head: ResponseHead, body: Uint8Array): void {
    if (this.#done) return;
    if (this.#inHandler && head.close) {
      // uWS only closes a connection when `end` runs uncorked, and its handler is corked: a
      // refusal from in there left the connection open, and a request pipelined behind the
      // upgrade ran. Answered right after the handler returns (which watches for the client
      // leaving meanwhile).
      setImmediate(() => this.reject(head, body));
      return;
    }
    this.#done = true;
    const res = this.#res;
    res.cork(() => {
      res.writeStatus(`${head.status} ${reasonPhrase(head.status)}`);
      for (const [name, value] of head.headers) res.writeHeader(name, value);
      // uWS writes Content-Length, and Connection: close when told to close.
      res.end(body, head.close);
    });
  }

  onAbort(callback: () => void): void {
    this.#onAbort = callback;
  }

  /** Hands the upgrade to core; afterwards, watches a still-pending one for the client leaving. */
  handTo(host: EngineHost): void {
    host.upgrade(this, this);
    this.#inHandler = false;
    if (this.#done) return;
    this.#res.onAborted(() => {
      this.#done = true;
      this.#onAbort?.();
    });
  }

  #upgrade(protocol: string, socketContext: unknown, context: us_socket_context_t): void {
    const data: SocketData = { context: socketContext, protocol, events: undefined };
    this.#res.upgrade(
      data,
      this.headers["sec-websocket-key"] ?? "",
      protocol,
      extensionOffer(this.headers["sec-websocket-extensions"]),
      context,
    );
  }
}
