import { SwitchboardError } from "./errors.js";
import { rejection } from "./response-head.js";
import type { UpgradeResponder } from "./seam.js";
import { reasonPhrase } from "./status.js";
import { TOKEN } from "./token.js";

/** An upgrade request as `onWsUpgrade` sees it. */
export interface WsUpgradeRequest {
  /** Path and query, e.g. `/chat?token=…`. */
  readonly url: string;
  /** The path without the query. */
  readonly path: string;
  /** The query string's parameters. */
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The peer's IP address. */
  readonly remoteAddress: string;
  /** Subprotocols the client offered, in its order of preference. */
  readonly protocols: readonly string[];
}

/** What `accept` may carry into the new channel. */
export interface AcceptOptions<Data> {
  /** One of `request.protocols`, or omit for none. */
  protocol?: string;
  /** Becomes `channel.data`. */
  data?: Data;
}

/**
 * What an admission reports to: the server's one upgrade handler, rather than closures made for
 * each admission.
 */
export interface AdmissionOwner<Data> {
  /** `accept` was called: complete the handshake through `responder`. */
  accepted(
    admission: Admission<Data>,
    responder: UpgradeResponder,
    protocol: string,
    data: Data | undefined,
  ): void;
  /** The admission is no longer pending. */
  settled(admission: Admission<Data>): void;
}

// RFC 7230 token and field-value rules: anything else could smuggle a header or break the response.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * One pending upgrade, decided once by `accept` or `reject`. Both return false when the
 * admission is no longer pending (already decided, timed out, client gone, server closing).
 *
 * @example
 * server.onWsUpgrade = async (request, admission) => {
 *   const user = await authenticate(request.query.get("token"));
 *   if (user) admission.accept({ data: { user } });
 *   else admission.reject(401);
 * };
 */
export class Admission<Data = unknown> {
  #responder: UpgradeResponder;
  #offered: readonly string[];
  #owner: AdmissionOwner<Data>;
  #pending = true;

  /** @internal */
  constructor(
    responder: UpgradeResponder,
    offered: readonly string[],
    owner: AdmissionOwner<Data>,
  ) {
    this.#responder = responder;
    this.#offered = offered;
    this.#owner = owner;
  }

  /** True until decided, timed out, abandoned by the client, or voided by `close()`. */
  get pending(): boolean {
    return this.#pending;
  }

  /**
   * Completes the handshake. A protocol the client did not offer is refused: the client gets
   * 400 and this throws, since it is a bug in the caller.
   */
  accept(options: AcceptOptions<Data> = {}): boolean {
    if (!this.#pending) return false;
    const protocol = options.protocol ?? "";
    if (protocol !== "" && !this.#offered.includes(protocol)) {
      this.void(400, "subprotocol not offered by the client");
      throw new SwitchboardError(
        "INVALID_ARGUMENT",
        `cannot accept subprotocol ${JSON.stringify(protocol)}: the client offered ${JSON.stringify(this.#offered)}`,
      );
    }
    this.#settle();
    this.#owner.accepted(this, this.#responder, protocol, options.data);
    return true;
  }

  /** Refuses the upgrade with an HTTP status from 400 to 599, optional headers and body. */
  reject(status = 403, headers: Record<string, string> = {}, body?: string): boolean {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new SwitchboardError(
        "INVALID_ARGUMENT",
        `reject status must be an integer from 400 to 599, got ${status}`,
      );
    }
    const pairs = Object.entries(headers).map(([name, value]) => checkHeader(name, String(value)));
    if (!this.#pending) return false;
    this.#settle();
    this.#responder.reject(...rejection(status, body ?? reasonPhrase(status), pairs));
    return true;
  }

  /** @internal Ends a pending admission without user code: timeout, shutdown, refusal. */
  void(status: number, body: string): void {
    if (!this.#pending) return;
    this.#settle();
    this.#responder.reject(...rejection(status, body));
  }

  /** @internal The client went away; nothing can be sent. */
  abandon(): void {
    if (this.#pending) this.#settle();
  }

  #settle(): void {
    this.#pending = false;
    this.#owner.settled(this);
  }
}

function checkHeader(name: string, value: string): [string, string] {
  if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) {
    throw new SwitchboardError(
      "INVALID_ARGUMENT",
      `header ${JSON.stringify(name)}: ${JSON.stringify(value)} is not a valid HTTP header (no CR, LF or control characters)`,
    );
  }
  return [name.toLowerCase(), value];
}
