/**
 * The seam between core and an engine. A backend translates engine events into these calls and
 * these calls into engine operations; it keeps no bookkeeping and makes no policy decisions.
 */

import type { DeflateSettings } from "./deflate.js";

/** PEM-encoded certificate chain and private key for https/wss. */
export interface TlsOptions {
  /** The certificate chain, PEM-encoded. */
  cert: string;
  /** The private key, PEM-encoded. */
  key: string;
  /** Passphrase of an encrypted key. */
  passphrase?: string;
}

/** Where to listen. `port: 0` asks the OS for a free port. */
export interface ListenAddress {
  /** The port; 0 lets the OS choose. */
  port: number;
  /** The host or address to bind. */
  host: string;
  /** Serve https and wss instead of http and ws. */
  tls?: TlsOptions;
}

/** What `listen()` resolves to. */
export interface BoundAddress {
  /** The port bound (the one the OS chose for `port: 0`). */
  port: number;
  /** The host or address listened on. */
  host: string;
  /** `http://host:port`, ready to print. */
  url: string;
}

/** Limits a backend hands to its engine; core enforces the rest itself. */
export interface EngineLimits {
  /**
   * Largest WebSocket message the engine accepts: `maxMessageBytes`, or a little more with
   * recovery on (its control messages are not bounded by it; core bounds data messages itself).
   */
  maxMessageBytes: number;
  /** Largest amount core lets queue on one socket. */
  maxBufferedBytes: number;
  /** Largest HTTP request body core accepts. */
  maxBodyBytes: number;
  /** Largest request head; an engine that checks it itself answers 431 (core checks it too). */
  maxHeaderBytes: number;
  /** Time allowed for the request head, for engines that can enforce it (core never sees it). */
  headersTimeoutMs: number;
  /**
   * How long `Backend.close()` lets HTTP responses already written finish leaving the engine
   * before it drops their connections.
   */
  closeTimeoutMs: number;
  /**
   * Fragments one incoming message may have, for an engine that limits their number (ws): enough
   * for `maxMessageBytes` in 64-byte fragments. An engine that joins fragments into one buffer as
   * they come (uWebSockets.js, Bun) needs no limit.
   */
  maxFragments: number;
}

/** Which part of a fragmented message a frame is. */
export type FramePart = "first" | "middle" | "last";

/** One WebSocket connection as the engine holds it. */
export interface EngineSocket {
  /**
   * Queues a whole message. Only called while the socket is open. `binary` false with bytes
   * means UTF-8 text core has validated. The caller may reuse `data` as soon as this returns:
   * an engine that keeps a reference to queued bytes must copy them (`copyBytes` does it
   * cheaply). Returns `bufferedAmount` after the send, which some engines know without being
   * asked.
   */
  send(data: Uint8Array | string, binary: boolean): number;
  /**
   * Optional: queues one frame of a fragmented message, in a part sequence core checked; same
   * rules as `send`. Without it, core joins the fragments and sends the message whole at its
   * last part: the peer sees the same message.
   */
  sendFragment?(data: Uint8Array | string, binary: boolean, part: FramePart): number;
  /**
   * Optional: like `send`, for one message on its way to many sockets (a broadcast core sends
   * socket by socket, without `Backend.publish`). `message` is the same object for every
   * recipient, and its bytes do not change while they are sent: the engine may encode it once
   * (frame it, say) for the first recipient and keep that in `message.encoded` for the others.
   */
  sendShared?(message: SharedMessage): number;
  /** Bytes accepted by `send` but not yet written to the kernel. */
  readonly bufferedAmount: number;
  /**
   * Starts the closing handshake with a code and reason core already validated. The close frame
   * follows what is queued; the engine gives the peer time to take both (core drops it after
   * `closeTimeoutMs`).
   */
  close(code: number, reason: string): void;
  /** Drops the TCP connection without a close frame. */
  terminate(): void;
  /** Sends a ping frame (heartbeat). */
  ping(): void;
  /**
   * With `Backend.publish`: this socket joins the engine topic `topic` for the engine's own
   * publish. Core names the topics (every socket joins one for broadcasts, right after `open`).
   */
  subscribe?(topic: string): void;
  /** With `Backend.publish`: this socket leaves the engine topic `topic`. */
  unsubscribe?(topic: string): void;
}

/** One whole message sent to many sockets, as `EngineSocket.sendShared` gets it. */
export interface SharedMessage {
  /** The payload: bytes, or UTF-8 text core has validated when `binary` is false. */
  readonly payload: Uint8Array;
  /** A binary message (else text). */
  readonly binary: boolean;
  /** Free for the engine: its encoding of the message, made once for every recipient. */
  encoded?: unknown;
}

/** Engine events for one socket, given to the backend by `EngineHost.open`. */
export interface SocketEvents {
  /**
   * Call once the backend has stored these events: runs `onWsOpen`, which may already send or
   * close (and an engine may report that close synchronously).
   */
  open(): void;
  /**
   * A complete message. `data` must stay valid after the call: copy engine-owned memory. An
   * engine that hands over text already decoded (and validated) passes it as a string.
   */
  message(data: Uint8Array | string, binary: boolean): void;
  /** The socket is gone; called exactly once. */
  close(code: number, reason: string): void;
  /** The engine flushed some of its buffer. */
  drain(): void;
  /** A pong frame arrived. */
  pong(): void;
  /**
   * A ping frame arrived, and the engine has queued its pong: core ends a peer whose pongs it
   * does not read once they pass `maxBufferedBytes`.
   */
  pinged(): void;
}

/** An upgrade request, copied out of the engine so it stays valid. */
export interface UpgradeRequest {
  /** The request method (a valid upgrade is a GET). */
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Readonly<Record<string, string>>;
  /** The peer's IP address. */
  remoteAddress: string;
}

/**
 * What core decided about a response, as values: the binding writes them in its engine's terms
 * and decides nothing itself.
 */
export interface ResponseHead {
  /** The status code. */
  readonly status: number;
  /**
   * The headers to send as they are, lower-case. Never `content-length`, `transfer-encoding` or
   * `connection`: those follow from `length`, `body` and `close`.
   */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /**
   * The body's length in bytes, to send as `content-length`; undefined for a body streamed
   * without a known length (the engine frames it, e.g. chunked) and for statuses without a body.
   * With `body` false (a HEAD answer) it describes the body a GET would get.
   */
  readonly length: number | undefined;
  /** Whether body bytes follow: false for HEAD answers and for 1xx, 204 and 304. */
  readonly body: boolean;
  /** Close the connection once the response is out (e.g. after a refused upload). */
  readonly close: boolean;
}

/** How the backend completes an upgrade once core has decided. Exactly one is called. */
export interface UpgradeResponder {
  /** Completes the handshake; `protocol` is empty for none. Passes `context` back to `open`. */
  accept(protocol: string, context: unknown): void;
  /** Answers with this HTTP response (`head.close` is always true) instead of upgrading. */
  reject(head: ResponseHead, body: Uint8Array): void;
  /** Registers a callback for when the client goes away before a decision. */
  onAbort(callback: () => void): void;
}

/** Receives the request body. */
export interface BodySink {
  /** A chunk the sink may keep. */
  data(chunk: Uint8Array): void;
  /** The body is complete. */
  end(): void;
}

/** One HTTP request/response exchange. */
export interface HttpExchange {
  /** The request method, upper-case. */
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The peer's IP address. */
  readonly remoteAddress: string;
  /** Starts delivering the body to `sink`; called at most once. */
  readBody(sink: BodySink): void;
  /**
   * Sends a whole response: the head and, when `head.body`, `body` (of `head.length` bytes).
   * Most responses are this one call. Nothing else is written afterwards.
   */
  respond(head: ResponseHead, body: Uint8Array): void;
  /**
   * Starts a streamed response (an engine may hold the head until the first body byte); the
   * body follows through `write` and `end`, exactly `head.length` bytes when that is set.
   */
  writeHead(head: ResponseHead): void;
  /** Writes a body chunk after `writeHead`; false when the engine buffer is full. */
  write(chunk: Uint8Array): boolean;
  /** Finishes a streamed response, optionally with a last chunk. */
  end(chunk?: Uint8Array): void;
  /** Calls back once when a full write buffer has drained. */
  onWritable(callback: () => void): void;
  /** Calls back once if the client goes away before `end`. After that, nothing may be written. */
  onAbort(callback: () => void): void;
  /** Drops the connection (e.g. when a streamed response fails half-way). */
  destroy(): void;
  /**
   * Core's part of the engine's request callback is over: what is still open (an async
   * handler, a stream) now outlives it. Called once, after `EngineHost.http` returned.
   */
  handlerReturned(): void;
}

/** What core gives a backend: the only way engine events reach the SDK. */
export interface EngineHost {
  /** The limits the engine must be configured with. */
  readonly limits: EngineLimits;
  /** Negotiate permessage-deflate with clients that offer it. */
  readonly perMessageDeflate: boolean;
  /** permessage-deflate as configured, checked; undefined when off. Map it, or refuse a setting. */
  readonly deflate: DeflateSettings | undefined;
  /** An HTTP request arrived (not an upgrade). */
  http(exchange: HttpExchange): void;
  /** An upgrade request arrived; core answers it through `responder`. */
  upgrade(request: UpgradeRequest, responder: UpgradeResponder): void;
  /**
   * An accepted upgrade completed: `context` is what `responder.accept` was given. Returns the
   * events the backend reports for this socket.
   */
  open(socket: EngineSocket, context: unknown, protocol: string): SocketEvents;
  /**
   * Whether a route is registered for this request path (and query), for any method: how a
   * backend attached to the application's server tells the server's requests from the app's.
   */
  hasRoute(url: string): boolean;
}

/**
 * An engine binding, e.g. `wsBackend()` or `uwsBackend()`. Implement it to run Switchboard on
 * another engine, and prove it with `@switchboard/conformance`.
 */
export interface Backend {
  /** The engine's name, for logs and errors. */
  readonly name: string;
  /**
   * True for a backend attached to a server the application made and listens with itself
   * (`wsBackend({ server })`): `WebServer.listen()` then opens no port and refuses `port`,
   * `host` and `tls`; `listen` ignores `address` and reports where that server listens.
   */
  readonly attached?: boolean;
  /** Binds the port and starts delivering events to `host`; resolves to the bound port. */
  listen(
    host: EngineHost,
    address: ListenAddress,
  ): Promise<{
    /** The port bound (the one the OS chose for `port: 0`); 0 while an attached server is not listening. */
    port: number;
    /** An attached backend's host, when it differs from the one asked for. */
    host?: string;
    /** An attached backend's server serves https and wss. */
    secure?: boolean;
  }>;
  /** Stops listening and releases every engine resource. Core has closed all sockets first. */
  close(): Promise<void>;
  /**
   * Optional: queues one whole message, in one engine operation (uWS and Bun pub/sub batch the
   * writes to each socket), for every socket subscribed to the engine topic `topic` with
   * `EngineSocket.subscribe`, except `exclude`. Core calls it only after checking every
   * recipient (open, no fragmented message in progress, room in its buffer); without it,
   * `broadcast` and `publish` send to each socket in turn.
   */
  publish?(
    topic: string,
    data: Uint8Array,
    binary: boolean,
    exclude: EngineSocket | undefined,
  ): void;
}
