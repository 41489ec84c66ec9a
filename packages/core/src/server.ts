import { Admission, type WsUpgradeRequest } from "./admission.js";
import type {
  Backend,
  BoundAddress,
  EngineHost,
  EngineSocket,
  HttpExchange,
  SocketEvents,
  TlsOptions,
  UpgradeRequest,
  UpgradeResponder,
} from "./backend.js";
import { RequestBody } from "./body.js";
import { Channel, type ChannelOwner, type SendData } from "./channel.js";
import { Connection, type ConnectionHost } from "./connection.js";
import { HttpError, SwitchboardError } from "./errors.js";
import { type BroadcastOptions, fanOut, type PreparedMessage, prepareMessage } from "./fanout.js";
import { checkHandshake, type HandshakeRefusal, offeredProtocols } from "./handshake.js";
import { HttpRequest, HttpResponse } from "./http.js";
import { Liveness } from "./liveness.js";
import { CloseCode, Opcode } from "./opcode.js";
import { checkAddress, resolveLimits, type ServerLimits } from "./options.js";
import { BROADCAST_TOPIC, type PubSubAdapter } from "./pubsub.js";
import { type HttpMethod, Router } from "./router.js";
import {
  HttpCall,
  type HttpErrorHandler,
  type HttpPipeline,
  type Middleware,
  type RouteHandler,
} from "./routing.js";
import { isThenable } from "./thenable.js";
import { Topics } from "./topics.js";

/** Where an error reported to `onError` came from. */
export interface ErrorContext {
  /** The callback or subsystem that failed, e.g. "onWsMessage", "http", "backpressure". */
  source: string;
  /** The channel concerned, for WebSocket callbacks and backpressure. */
  channel?: Channel;
  /** The request concerned, for HTTP errors. */
  request?: HttpRequest;
}

/** The callbacks of a server; override them in a subclass or pass them as options. */
export interface WebServerHooks<Data = unknown> {
  /** Runs once in `listen()` before the port opens: register routes here. */
  onInit?(this: WebServer<Data>): void | Promise<void>;
  /**
   * Decides an upgrade (after core refused malformed ones): call `admission.accept()` or
   * `admission.reject(status)`, now or later. Default: accept with the first offered subprotocol.
   */
  onWsUpgrade?(
    this: WebServer<Data>,
    request: WsUpgradeRequest,
    admission: Admission<Data>,
  ): unknown;
  /** A client connected; `url` is the upgrade request's path and query. */
  onWsOpen?(this: WebServer<Data>, channel: Channel<Data>, url: string): unknown;
  /** A client is gone (close frame or dropped TCP; code 1006 when no close frame came). */
  onWsClose?(this: WebServer<Data>, channel: Channel<Data>, code: number, reason: string): unknown;
  /** A text message arrived. */
  onWsMessage?(this: WebServer<Data>, channel: Channel<Data>, text: string): unknown;
  /** Any message arrived, as bytes, with its opcode (lossless, text or binary). */
  onWsMessageFrame?(
    this: WebServer<Data>,
    channel: Channel<Data>,
    data: Uint8Array,
    opcode: Opcode,
  ): unknown;
  /** A channel whose `send` returned false has drained to `lowWaterMark`. */
  onWsDrain?(this: WebServer<Data>, channel: Channel<Data>): unknown;
  /** A callback threw or an engine reported an error. Default: `console.error`. */
  onError?(this: WebServer<Data>, error: unknown, context: ErrorContext): void;
}

/** Options of `new WebServer(...)`: the backend, limits, and optionally the hooks. */
export interface WebServerOptions<Data = unknown>
  extends WebServerHooks<Data>,
    Partial<ServerLimits> {
  /** The engine: `wsBackend()` from `@switchboard/server-ws` or `uwsBackend()` from `@switchboard/server-uws`. */
  backend: Backend;
  /** Carries `publish()` and `broadcast()` to other server processes, e.g. `redisPubSub(...)`. */
  pubsub?: PubSubAdapter;
}

/** Options of `listen()`. */
export interface ListenOptions {
  /** Default 0: a free port chosen by the OS. */
  port?: number;
  /** Default "127.0.0.1". Use "0.0.0.0" or "::" to accept remote clients. */
  host?: string;
  /** Serve https and wss with this PEM certificate and key. */
  tls?: TlsOptions;
}

/** Counters of what the server's policies did, for monitoring. */
export interface ServerStats {
  /** Channels closed (1008) because a send would exceed `maxBufferedBytes`. */
  overflowed: number;
  /** Channels closed (1008) for exceeding `maxMessagesPerSecond`. */
  rateLimited: number;
  /** Upgrades refused by core (malformed, origin, capacity, timeout, shutdown). */
  upgradesRefused: number;
}

/** What a connection carries between the upgrade and `open`. */
interface UpgradeContext {
  url: string;
  remoteAddress: string;
  data: unknown;
}

const decoder = new TextDecoder();

/**
 * A WebSocket + HTTP server on one port. Subclass it and override the `on…` callbacks, or pass
 * them as options.
 *
 * @example
 * class EchoServer extends WebServer {
 *   override onWsMessage(channel: Channel, text: string) { this.send(channel, `echo: ${text}`); }
 * }
 * const server = new EchoServer({ backend: wsBackend() });
 * const { url } = await server.listen({ port: 8080 });
 */
export class WebServer<Data = unknown> {
  /** The limits in force: the options given, over `DEFAULT_LIMITS`. */
  readonly limits: Readonly<ServerLimits>;
  readonly #backend: Backend;
  readonly #hooks: WebServerHooks<Data>;
  readonly #router = new Router<RouteHandler>();
  readonly #http: Omit<HttpPipeline, "middleware" | "notFound" | "errorHandler"> & {
    middleware: Middleware[];
    notFound?: RouteHandler;
    errorHandler?: HttpErrorHandler;
  };
  readonly #channels = new Set<Channel<Data>>();
  readonly #owner: ChannelOwner;
  readonly #connectionHost: ConnectionHost;
  readonly #admissions = new Set<Admission<Data>>();
  readonly #liveness: Liveness;
  readonly #topics = new Topics();
  readonly #pubsub: PubSubAdapter | undefined;
  /** What the server's policies did so far. */
  readonly stats: ServerStats = { overflowed: 0, rateLimited: 0, upgradesRefused: 0 };
  #nextChannelId = 1;
  #initialized = false;
  #state: "idle" | "starting" | "listening" | "closing" = "idle";
  #address: BoundAddress | undefined;
  #closing: Promise<void> | undefined;
  #allClosed: (() => void) | undefined;

  constructor(options: WebServerOptions<Data>) {
    if (!options || typeof options.backend?.listen !== "function") {
      throw new SwitchboardError(
        "INVALID_OPTION",
        "WebServer needs a backend, e.g. new WebServer({ backend: wsBackend() })",
      );
    }
    const {
      backend,
      pubsub,
      onInit,
      onWsUpgrade,
      onWsOpen,
      onWsClose,
      onWsMessage,
      onWsMessageFrame,
      onWsDrain,
      onError,
      ...limits
    } = options;
    this.#backend = backend;
    this.#pubsub = pubsub;
    this.#hooks = {
      onInit,
      onWsUpgrade,
      onWsOpen,
      onWsClose,
      onWsMessage,
      onWsMessageFrame,
      onWsDrain,
      onError,
    };
    this.limits = Object.freeze(resolveLimits(limits));
    this.#owner = this.#channelOwner();
    this.#connectionHost = this.#makeConnectionHost();
    this.#liveness = new Liveness(() => this.#channels, this.limits);
    this.#http = {
      router: this.#router,
      middleware: [],
      report: (error, request) => this.#report(error, { source: "http", request }),
    };
  }

  // ---- callbacks: override in a subclass, or pass as options --------------------------------

  /** Runs once in `listen()` before the port opens: register routes here. */
  onInit(): void | Promise<void> {
    return this.#hooks.onInit?.call(this);
  }
  /** Decides an upgrade. Default: accept with the first subprotocol the client offered. */
  onWsUpgrade(request: WsUpgradeRequest, admission: Admission<Data>): unknown {
    if (this.#hooks.onWsUpgrade) return this.#hooks.onWsUpgrade.call(this, request, admission);
    return admission.accept({ protocol: request.protocols[0] });
  }
  /** A client connected. */
  onWsOpen(channel: Channel<Data>, url: string): unknown {
    return this.#hooks.onWsOpen?.call(this, channel, url);
  }
  /** A client is gone. */
  onWsClose(channel: Channel<Data>, code: number, reason: string): unknown {
    return this.#hooks.onWsClose?.call(this, channel, code, reason);
  }
  /** A text message arrived. */
  onWsMessage(channel: Channel<Data>, text: string): unknown {
    return this.#hooks.onWsMessage?.call(this, channel, text);
  }
  /** Any message arrived, as bytes. */
  onWsMessageFrame(channel: Channel<Data>, data: Uint8Array, opcode: Opcode): unknown {
    return this.#hooks.onWsMessageFrame?.call(this, channel, data, opcode);
  }
  /** A channel drained after `send` returned false. */
  onWsDrain(channel: Channel<Data>): unknown {
    return this.#hooks.onWsDrain?.call(this, channel);
  }
  /** A callback threw or an engine failed. Default: log to stderr. */
  onError(error: unknown, context: ErrorContext): void {
    if (this.#hooks.onError) {
      this.#hooks.onError.call(this, error, context);
      return;
    }
    console.error(`[switchboard] error in ${context.source}:`, error);
  }

  // ---- WebSocket --------------------------------------------------------------------------

  /** The open channels. */
  get channels(): ReadonlySet<Channel<Data>> {
    return this.#channels;
  }

  /** How many WebSocket clients are connected. */
  get clientCount(): number {
    return this.#channels.size;
  }

  /**
   * Sends to one channel, as dasHV's `send(channel, msg, opcode, fin)`. See `Channel.send`.
   */
  send(channel: Channel<Data>, data: SendData, opcode?: Opcode, fin = true): boolean {
    return channel.send(data, opcode, fin);
  }

  /**
   * Sends one message to every open channel except `exclude`. Returns how many channels it was
   * queued for. A channel over its buffer limit is closed (reported to `onError`); the rest
   * still get the message.
   */
  broadcast(data: SendData, options: BroadcastOptions = {}): number {
    const message = prepareMessage(data, options.opcode);
    this.#toPubSub((pubsub) => pubsub.publish(BROADCAST_TOPIC, message.payload, message.binary));
    return this.#publishLocally(null, message, options.exclude);
  }

  // ---- topics -------------------------------------------------------------------------------

  /**
   * Subscribes a channel to a topic; `publish(topic, …)` then reaches it (on every server
   * process when a `pubsub` adapter is set). A closing channel leaves its topics by itself.
   */
  subscribe(channel: Channel<Data>, topic: string): void {
    if (!channel.isOpen)
      throw new SwitchboardError("CHANNEL_CLOSED", `channel ${channel.id} is closed`);
    const first = this.#topics.subscribe(channel, topic);
    channel.engineSocket.subscribe?.(topic);
    if (first) this.#toPubSub((pubsub) => pubsub.subscribe(topic));
  }

  /** Removes a channel from a topic. */
  unsubscribe(channel: Channel<Data>, topic: string): void {
    if (channel.isOpen) channel.engineSocket.unsubscribe?.(topic);
    if (this.#topics.unsubscribe(channel, topic))
      this.#toPubSub((pubsub) => pubsub.unsubscribe(topic));
  }

  /** The topics a channel is subscribed to. */
  topicsOf(channel: Channel<Data>): ReadonlySet<string> {
    return this.#topics.topicsOf(channel);
  }

  /** How many local channels are subscribed to a topic. */
  subscriberCount(topic: string): number {
    return this.#topics.subscribers(topic).size;
  }

  /**
   * Sends a message to every subscriber of `topic` (except `exclude`), here and, with a `pubsub`
   * adapter, on every other server process. Returns how many local channels got it.
   *
   * @example
   * server.subscribe(channel, "room:1");
   * server.publish("room:1", "hello room", { exclude: channel });
   */
  publish(topic: string, data: SendData, options: BroadcastOptions = {}): number {
    if (typeof topic !== "string" || topic === "" || topic === BROADCAST_TOPIC) {
      throw new SwitchboardError(
        "INVALID_ARGUMENT",
        `cannot publish to topic ${JSON.stringify(topic)}`,
      );
    }
    const message = prepareMessage(data, options.opcode);
    this.#toPubSub((pubsub) => pubsub.publish(topic, message.payload, message.binary));
    return this.#publishLocally(topic, message, options.exclude);
  }

  /** Hands something to the pubsub adapter; its failure never stops local delivery. */
  #toPubSub(task: (pubsub: PubSubAdapter) => void): void {
    if (!this.#pubsub) return;
    try {
      task(this.#pubsub);
    } catch (error) {
      this.#report(error, { source: "pubsub" });
    }
  }

  /** A message another process published: local delivery only. */
  #deliverRemote(topic: string, payload: Uint8Array, binary: boolean): void {
    const message: PreparedMessage = { payload, binary };
    this.#publishLocally(topic === BROADCAST_TOPIC ? null : topic, message, null);
  }

  /**
   * Local delivery to every channel (`topic` null) or a topic's subscribers: through the engine's
   * own publish when it has one.
   */
  #publishLocally(
    topic: string | null,
    message: PreparedMessage,
    exclude: BroadcastOptions["exclude"],
  ): number {
    const recipients = topic === null ? this.#channels : this.#topics.subscribers(topic);
    if (this.#backend.publish && (!exclude || exclude instanceof Channel)) {
      const excluded = exclude as Channel<Data> | null | undefined;
      const published = this.#publishNatively(topic, recipients, message, excluded);
      if (published !== undefined) return published;
    }
    return fanOut(recipients, message, exclude);
  }

  /**
   * Delivery through the engine's own publish, when every recipient can take the message as a
   * whole now; undefined when one cannot (closing, mid-fragment, buffer full), so the caller
   * falls back to sending channel by channel, which applies the per-channel policy.
   */
  #publishNatively(
    topic: string | null,
    channels: Iterable<Channel>,
    message: PreparedMessage,
    exclude: Channel<Data> | null | undefined,
  ): number | undefined {
    if (exclude && !exclude.isOpen) return undefined;
    let recipients = 0;
    for (const channel of channels) {
      if (channel === exclude) continue;
      if (!channel.admitsWhole(message.payload.byteLength)) return undefined;
      recipients++;
    }
    if (recipients > 0) {
      this.#backend.publish?.(topic, message.payload, message.binary, exclude?.engineSocket);
    }
    return recipients;
  }

  // ---- HTTP -------------------------------------------------------------------------------

  /** Registers a handler for a method (or "ANY") and a path pattern with `:params` and `*`. */
  route(method: HttpMethod | "ANY", pattern: string, handler: RouteHandler): this {
    this.#router.add(method, pattern, handler);
    return this;
  }
  /** Registers a GET route (HEAD is answered from it too). */
  get(pattern: string, handler: RouteHandler): this {
    return this.route("GET", pattern, handler);
  }
  /** Registers a POST route. */
  post(pattern: string, handler: RouteHandler): this {
    return this.route("POST", pattern, handler);
  }
  /** Registers a PUT route. */
  put(pattern: string, handler: RouteHandler): this {
    return this.route("PUT", pattern, handler);
  }
  /** Registers a DELETE route. */
  delete(pattern: string, handler: RouteHandler): this {
    return this.route("DELETE", pattern, handler);
  }
  /** Registers a PATCH route. */
  patch(pattern: string, handler: RouteHandler): this {
    return this.route("PATCH", pattern, handler);
  }
  /** Registers a HEAD route. */
  head(pattern: string, handler: RouteHandler): this {
    return this.route("HEAD", pattern, handler);
  }
  /** Registers an OPTIONS route. */
  options(pattern: string, handler: RouteHandler): this {
    return this.route("OPTIONS", pattern, handler);
  }
  /** Registers a route for every method. */
  any(pattern: string, handler: RouteHandler): this {
    return this.route("ANY", pattern, handler);
  }

  /**
   * Adds a middleware that runs, in order of registration, before routing, for every HTTP
   * request — also ones that end in 404 or 405, which is what CORS preflights need.
   *
   * @example
   * server.use(cors({ origins: ["https://app.example"] }));
   */
  use(middleware: Middleware): this {
    this.#http.middleware.push(middleware);
    return this;
  }

  /**
   * Answers requests no route matches (instead of a plain-text 404). Not used for 405: a path
   * that exists for another method still answers 405 with `Allow`.
   *
   * @example
   * server.notFound((req, res) => res.status(404).json({ missing: req.path }));
   */
  notFound(handler: RouteHandler): this {
    this.#http.notFound = handler;
    return this;
  }

  /**
   * Answers every failed request (404, 405, 400, 408, 413, 431, a thrown `HttpError`, or 500 for
   * any other throw) instead of the plain-text default. If it throws itself, the default is sent.
   *
   * @example
   * server.errorHandler((error) => ({ error: error.message }));
   */
  errorHandler(handler: HttpErrorHandler): this {
    this.#http.errorHandler = handler;
    return this;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** The bound address while listening. */
  get address(): BoundAddress | undefined {
    return this.#address;
  }

  /**
   * Runs `onInit` (the first time only), then binds the port. Resolves to the bound address (`port: 0` picks one).
   *
   * @example
   * const { port, url } = await server.listen({ port: 0 });
   */
  async listen(options: ListenOptions = {}): Promise<BoundAddress> {
    const { port = 0, host = "127.0.0.1", tls } = options;
    checkAddress(port, host);
    if (this.#backend.attached) refuseAddress(this.#backend.name, options);
    if (this.#state !== "idle") {
      throw new SwitchboardError("ALREADY_LISTENING", `server is already ${this.#state}`);
    }
    this.#state = "starting";
    try {
      if (!this.#initialized) {
        // Routes are registered once per server, not once per listen().
        this.#initialized = true;
        await this.onInit();
      }
      await this.#pubsub?.start((topic, payload, binary) =>
        this.#deliverRemote(topic, payload, binary),
      );
      const bound = await this.#backend.listen(this.#engineHost(), {
        port,
        host,
        ...(tls && { tls }),
      });
      const scheme = (bound.secure ?? tls) ? "https" : "http";
      const boundHost = bound.host ?? host;
      this.#address = {
        port: bound.port,
        host: boundHost,
        url: `${scheme}://${formatHost(boundHost)}:${bound.port}`,
      };
    } catch (error) {
      this.#state = "idle";
      throw error;
    }
    this.#state = "listening";
    this.#liveness.start();
    return this.#address;
  }

  /**
   * Graceful shutdown: stops accepting, closes every channel with 1001 (dropping peers that do not
   * answer within `closeTimeoutMs`), waits for their `onWsClose`, then releases the port.
   */
  close(): Promise<void> {
    if (this.#state === "idle") return Promise.resolve();
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#state = "closing";
    this.#liveness.stop();
    for (const admission of this.#admissions) admission.void(503, "server is shutting down");
    const allClosed = new Promise<void>((resolve) => {
      this.#allClosed = resolve;
    });
    for (const channel of this.#channels)
      channel.close(CloseCode.GOING_AWAY, "server shutting down");
    if (this.#channels.size === 0) this.#allClosed?.();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.limits.closeTimeoutMs);
    });
    await Promise.race([allClosed, timedOut]);
    for (const channel of this.#channels) channel.terminate();
    await allClosed;
    clearTimeout(timer);
    await this.#backend.close();
    await this.#pubsub?.stop();
    this.#address = undefined;
    this.#closing = undefined;
    this.#state = "idle";
  }

  // ---- the engine seam ------------------------------------------------------------------------

  #engineHost(): EngineHost {
    return {
      limits: this.limits,
      perMessageDeflate: this.limits.perMessageDeflate,
      http: (exchange) => this.#handleHttp(exchange),
      upgrade: (request, responder) => this.#handleUpgrade(request, responder),
      open: (socket, context, protocol) =>
        this.#handleOpen(socket, context as UpgradeContext, protocol),
      hasRoute: (url) => this.#hasRoute(url),
    };
  }

  #hasRoute(url: string): boolean {
    const q = url.indexOf("?");
    try {
      return this.#router.match("GET", q === -1 ? url : url.slice(0, q)).kind !== "not-found";
    } catch {
      // A malformed path is no route's: it stays with the application.
      return false;
    }
  }

  #handleHttp(exchange: HttpExchange): void {
    const response = new HttpResponse(exchange, exchange.method === "HEAD");
    // Reading starts now, so a body that is too big or too slow is refused whatever the handler does.
    const body = new RequestBody(exchange, this.limits);
    const request = new HttpRequest(exchange, body);
    const call = new HttpCall(this.#http, request, response);
    if (body.receiving) {
      exchange.onAbort(() => body.stop());
      body.onFailure((error) => this.#httpSettled(call.fail(error), request));
    }
    const refusal = body.failure ?? checkHead(exchange, this.limits.maxHeaderBytes);
    this.#httpSettled(refusal ? call.fail(refusal) : call.run(), request);
    // A response still open now outlives this engine callback: it must notice the client leaving.
    response.watchAbort();
  }

  /** Reports a request's failure that even its error response could not handle. */
  #httpSettled(pending: Promise<void> | undefined, request: HttpRequest): void {
    pending?.catch((error: unknown) => this.#report(error, { source: "http", request }));
  }

  #handleUpgrade(request: UpgradeRequest, responder: UpgradeResponder): void {
    const refusal = this.#refusal(request);
    if (!refusal) {
      this.#admit(request, responder);
      return;
    }
    this.stats.upgradesRefused++;
    responder.reject(refusal.status, refusal.headers, refusal.body);
  }

  /** Why core refuses an upgrade before user code runs, if it does. */
  #refusal(request: UpgradeRequest): HandshakeRefusal | undefined {
    if (this.#state !== "listening")
      return { status: 503, headers: [], body: "server is shutting down" };
    const malformed = checkHandshake(request);
    if (malformed) return malformed;
    const origins = this.limits.allowedOrigins;
    if (origins.length > 0 && !origins.includes(request.headers["origin"] ?? "")) {
      return { status: 403, headers: [], body: "origin not allowed" };
    }
    if (this.#channels.size + this.#admissions.size >= this.limits.maxConnections) {
      return { status: 503, headers: [], body: "too many connections" };
    }
    return undefined;
  }

  #admit(request: UpgradeRequest, responder: UpgradeResponder): void {
    const info = upgradeInfo(request);
    let timer: NodeJS.Timeout | undefined;
    const admission: Admission<Data> = new Admission<Data>(
      responder,
      info.protocols,
      (protocol, data) => {
        const context: UpgradeContext = {
          url: request.url,
          remoteAddress: request.remoteAddress,
          data,
        };
        responder.accept(protocol, context);
      },
      () => {
        clearTimeout(timer);
        this.#admissions.delete(admission);
      },
    );
    this.#admissions.add(admission);
    responder.onAbort(() => admission.abandon());
    try {
      const decision = this.onWsUpgrade(info, admission);
      if (isThenable(decision)) {
        Promise.resolve(decision).catch((error: unknown) => this.#upgradeFailed(error, admission));
      }
    } catch (error) {
      this.#upgradeFailed(error, admission);
    }
    if (admission.pending) {
      timer = setTimeout(() => {
        this.stats.upgradesRefused++;
        admission.void(408, "upgrade decision timed out");
      }, this.limits.upgradeTimeoutMs);
    }
  }

  #upgradeFailed(error: unknown, admission: Admission<Data>): void {
    this.#report(error, { source: "onWsUpgrade" });
    admission.void(500, "internal server error");
  }

  #handleOpen(socket: EngineSocket, context: UpgradeContext, protocol: string): SocketEvents {
    const channel = new Channel<Data>(
      this.#nextChannelId++,
      context.url,
      context.remoteAddress,
      protocol,
      context.data as Data,
      socket,
      this.#owner,
    );
    this.#channels.add(channel);
    return new Connection(this.#connectionHost, channel);
  }

  #makeConnectionHost(): ConnectionHost {
    const { maxMessageBytes, maxMessagesPerSecond } = this.limits;
    return {
      maxMessageBytes,
      maxMessagesPerSecond,
      isClosing: () => this.#state === "closing",
      opened: (channel) => this.onWsOpen(channel as Channel<Data>, channel.url),
      deliver: (channel, data, binary) => this.#deliver(channel as Channel<Data>, data, binary),
      left: (channel) => {
        this.#channels.delete(channel as Channel<Data>);
        for (const topic of this.#topics.leaveAll(channel))
          this.#toPubSub((pubsub) => pubsub.unsubscribe(topic));
        // Resolves after the synchronous part of onWsClose, which runs right after this.
        if (this.#channels.size === 0) this.#allClosed?.();
      },
      closed: (channel, code, reason) => this.onWsClose(channel as Channel<Data>, code, reason),
      rateLimited: () => {
        this.stats.rateLimited++;
      },
      report: (error, source, channel) => this.#report(error, { source, channel }),
    };
  }

  #deliver(channel: Channel<Data>, data: Uint8Array, binary: boolean): unknown {
    const frame = this.onWsMessageFrame(channel, data, binary ? Opcode.BINARY : Opcode.TEXT);
    // A server that only takes frames should not pay for decoding every text message.
    if (binary || !this.#wantsText()) return frame;
    const text = this.onWsMessage(channel, decoder.decode(data));
    return isThenable(frame) ? Promise.all([frame, text]) : text;
  }

  /** Whether `onWsMessage` does anything: overridden, assigned, or passed as an option. */
  #wantsText(): boolean {
    return (
      this.onWsMessage !== WebServer.prototype.onWsMessage || this.#hooks.onWsMessage !== undefined
    );
  }

  #channelOwner(): ChannelOwner {
    return {
      flow: this.limits,
      drained: (channel) =>
        this.#safely(() => this.onWsDrain(channel as Channel<Data>), {
          source: "onWsDrain",
          channel,
        }),
      overflowed: (channel) => {
        this.stats.overflowed++;
        this.#report(
          new SwitchboardError(
            "BUFFER_OVERFLOW",
            `channel ${channel.id} exceeded maxBufferedBytes (${this.limits.maxBufferedBytes}) and was closed with 1008`,
          ),
          { source: "backpressure", channel },
        );
      },
    };
  }

  /** Runs a callback whose failure (thrown or rejected) goes to `onError`. */
  #safely(task: () => unknown, context: ErrorContext): void {
    try {
      const result = task();
      if (isThenable(result))
        Promise.resolve(result).catch((error: unknown) => this.#report(error, context));
    } catch (error) {
      this.#report(error, context);
    }
  }

  /** Hands an error to `onError`; an `onError` that throws itself is logged, never rethrown. */
  #report(error: unknown, context: ErrorContext): void {
    try {
      this.onError(error, context);
    } catch (secondary) {
      console.error("[switchboard] onError threw:", secondary, "while reporting:", error);
    }
  }
}

function upgradeInfo(request: UpgradeRequest): WsUpgradeRequest {
  const q = request.url.indexOf("?");
  return {
    url: request.url,
    path: q === -1 ? request.url : request.url.slice(0, q),
    query: new URLSearchParams(q === -1 ? "" : request.url.slice(q + 1)),
    headers: request.headers,
    remoteAddress: request.remoteAddress,
    protocols: offeredProtocols(request),
  };
}

/**
 * The size of a request head as core sees it. node:http refuses a bigger one itself; uWebSockets.js
 * has no limit of its own, so this is what makes both answer 431.
 */
function checkHead(exchange: HttpExchange, limit: number): HttpError | undefined {
  let size = exchange.method.length + exchange.url.length + 12;
  const { headers } = exchange;
  for (const name in headers) size += name.length + (headers[name] as string).length + 4;
  return size > limit ? new HttpError(431, "request header fields too large") : undefined;
}

/** An attached backend's server listens where the application told it to: `listen()` cannot. */
function refuseAddress(backend: string, options: ListenOptions): void {
  const given = (["port", "host", "tls"] as const).filter((key) => options[key] !== undefined);
  if (given.length === 0) return;
  throw new SwitchboardError(
    "INVALID_OPTION",
    `the ${backend} backend is attached to the application's server, which listens itself: call listen() without ${given.join(", ")}`,
  );
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
