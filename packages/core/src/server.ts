import { innerProtocol, RECOVERY_PROTOCOL } from "@switchboard/protocol";
import type { Admission, WsUpgradeRequest } from "./admission.js";
import type { Channel, SendData } from "./channel.js";
import { Connection } from "./connection.js";
import type { ServerContext } from "./context.js";
import { type DeflateSettings, resolveDeflate } from "./deflate.js";
import { SwitchboardError } from "./errors.js";
import type { MessageLayer } from "./events/layer.js";
import type { BroadcastOptions } from "./fanout.js";
import type { HttpRequest } from "./http.js";
import { HttpApplication } from "./http-app.js";
import { Lifecycle, type ListenOptions } from "./lifecycle.js";
import { Liveness } from "./liveness.js";
import { engineMessageBytes, maxFragmentsFor } from "./message-policy.js";
import { Opcode } from "./opcode.js";
import { resolveLimits, type ServerLimits } from "./options.js";
import { Publishing } from "./publishing.js";
import type { PubSubAdapter } from "./pubsub.js";
import { Recovery, type RecoveryOptions, resolveRecovery } from "./recovery/index.js";
import type { HttpMethod } from "./router.js";
import type { HttpErrorHandler, Middleware, RouteHandler } from "./routing.js";
import type {
  Backend,
  BoundAddress,
  EngineHost,
  EngineLimits,
  EngineSocket,
  SocketEvents,
} from "./seam.js";
import { isThenable } from "./thenable.js";
import { EVERYONE_TOPIC } from "./topics.js";
import { type UpgradeContext, Upgrades } from "./upgrades.js";

export type { ListenOptions } from "./lifecycle.js";

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
  /**
   * With `recovery`: a client whose connection dropped came back within the window and got what
   * it missed; its channel is the same object (same `id`, `data`, topics). Runs instead of
   * `onWsClose` + `onWsOpen`.
   */
  onWsRecover?(this: WebServer<Data>, channel: Channel<Data>): unknown;
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
  /**
   * Connection state recovery for clients that ask for it (`recover: true`): `true` for the
   * defaults, or the window's limits. See docs/recovery.md.
   *
   * @example
   * new WebServer({ backend: wsBackend(), recovery: { windowMs: 30_000 } });
   */
  recovery?: boolean | RecoveryOptions;
}

/** Counters of what the server's policies did, for monitoring. */
export interface ServerStats {
  /** Channels closed (1008) because a send would exceed `maxBufferedBytes`. */
  overflowed: number;
  /** Channels closed (1008) for exceeding `maxMessagesPerSecond`. */
  rateLimited: number;
  /** Channels closed (1008) for sending past `maxQueuedMessageBytes` while their callbacks were pending. */
  queueOverflowed: number;
  /** Upgrades refused by core (malformed, origin, per-address or total capacity, timeout, shutdown). */
  upgradesRefused: number;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * A WebSocket + HTTP server on one port. Subclass it and override the `on…` callbacks, or pass
 * them as options.
 *
 * The work is done by one part per concern: `Upgrades` (admission), `HttpApplication` (routes and
 * requests), `Publishing` (broadcasts, topics, pub/sub) and `Lifecycle` (listen and shutdown);
 * this class holds the callbacks and hands each call to its part.
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
  /** What the server's policies did so far. */
  readonly stats: ServerStats = {
    overflowed: 0,
    rateLimited: 0,
    queueOverflowed: 0,
    upgradesRefused: 0,
  };
  readonly #backend: Backend;
  readonly #hooks: WebServerHooks<Data>;
  readonly #channels = new Set<Channel<Data>>();
  readonly #context: ServerContext;
  readonly #http: HttpApplication;
  readonly #upgrades: Upgrades<Data>;
  readonly #publishing: Publishing;
  readonly #lifecycle: Lifecycle;
  readonly #liveness: Liveness;
  #nextChannelId = 1;
  #layer: MessageLayer | undefined;
  /** What engines are configured with: made once, so a backend can tell the server by it. */
  readonly #engineLimits: EngineLimits;
  readonly #deflate: DeflateSettings | undefined;
  readonly #recovery: Recovery | undefined;

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
      recovery,
      onInit,
      onWsUpgrade,
      onWsOpen,
      onWsClose,
      onWsRecover,
      onWsMessage,
      onWsMessageFrame,
      onWsDrain,
      onError,
      ...limits
    } = options;
    this.#backend = backend;
    this.#hooks = {
      onInit,
      onWsUpgrade,
      onWsOpen,
      onWsClose,
      onWsRecover,
      onWsMessage,
      onWsMessageFrame,
      onWsDrain,
      onError,
    };
    this.limits = Object.freeze(resolveLimits(limits));
    // Recovery's control messages are not bounded by maxMessageBytes: the engine leaves room.
    const engineMessages = engineMessageBytes(
      this.limits.maxMessageBytes,
      resolveRecovery(recovery) !== undefined,
    );
    this.#engineLimits = Object.freeze({
      ...this.limits,
      maxMessageBytes: engineMessages,
      maxFragments: maxFragmentsFor(engineMessages),
    });
    this.#deflate = resolveDeflate(this.limits.perMessageDeflate);
    this.#context = this.#serverContext();
    this.#recovery = this.#recoveryOf(recovery, pubsub);
    this.#liveness = new Liveness(() => this.#channels, this.limits);
    this.#http = new HttpApplication(this.limits, (error, request) =>
      this.#report(error, { source: "http", request }),
    );
    this.#publishing = new Publishing(this.#channels, backend, pubsub, (error) =>
      this.#report(error, { source: "pubsub" }),
    );
    this.#upgrades = new Upgrades<Data>({
      limits: this.limits,
      accepting: () => this.#lifecycle.state === "listening",
      connected: () => this.#channels.size,
      decide: (request, admission) => this.onWsUpgrade(request, admission),
      refused: () => {
        this.stats.upgradesRefused++;
      },
      report: (error) => this.#report(error, { source: "onWsUpgrade" }),
    });
    this.#lifecycle = new Lifecycle({
      init: () => this.onInit(),
      start: async (port, host, tls) => {
        await this.#publishing.start();
        return backend.listen(this.#engineHost(), {
          port,
          host,
          ...(tls && { tls }),
        });
      },
      attachedTo: backend.attached ? backend.name : undefined,
      started: () => this.#liveness.start(),
      stopping: () => {
        this.#liveness.stop();
        this.#upgrades.voidAll(503, "server is shutting down");
        return this.#recovery?.shutDown() ?? Promise.resolve();
      },
      dropping: () => this.#recovery?.drop(),
      channels: this.#channels,
      closeTimeoutMs: this.limits.closeTimeoutMs,
      stop: async () => {
        await backend.close();
        await this.#publishing.stop();
      },
    });
  }

  // ---- callbacks: override in a subclass, or pass as options --------------------------------

  /** Runs once in `listen()` before the port opens: register routes here. */
  onInit(): void | Promise<void> {
    return this.#hooks.onInit?.call(this);
  }
  /** Decides an upgrade. Default: accept with the first subprotocol the client offered. */
  onWsUpgrade(request: WsUpgradeRequest, admission: Admission<Data>): unknown {
    if (this.#hooks.onWsUpgrade) return this.#hooks.onWsUpgrade.call(this, request, admission);
    // A recovery token only where recovery is on: elsewhere its client falls back to plain.
    const protocols = request.protocols;
    const protocol = protocols.find(this.#recovery ? isAgreeable : isPlainProtocol);
    return admission.accept({ protocol });
  }
  /** A client connected. */
  onWsOpen(channel: Channel<Data>, url: string): unknown {
    return this.#hooks.onWsOpen?.call(this, channel, url);
  }
  /** A client is gone. */
  onWsClose(channel: Channel<Data>, code: number, reason: string): unknown {
    return this.#hooks.onWsClose?.call(this, channel, code, reason);
  }
  /** A dropped client came back and recovered its channel. */
  onWsRecover(channel: Channel<Data>): unknown {
    return this.#hooks.onWsRecover?.call(this, channel);
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

  // ---- WebSocket ----------------------------------------------------------------------------

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
    return this.#publishing.broadcast(data, options);
  }

  // ---- topics -------------------------------------------------------------------------------

  /**
   * Subscribes a channel to a topic; `publish(topic, …)` then reaches it (on every server
   * process when a `pubsub` adapter is set). A closing channel leaves its topics by itself.
   */
  subscribe(channel: Channel<Data>, topic: string): void {
    this.#publishing.subscribe(channel, topic);
  }

  /** Removes a channel from a topic. */
  unsubscribe(channel: Channel<Data>, topic: string): void {
    this.#publishing.unsubscribe(channel, topic);
  }

  /** The topics a channel is subscribed to. */
  topicsOf(channel: Channel<Data>): ReadonlySet<string> {
    return this.#publishing.topicsOf(channel);
  }

  /** How many local channels are subscribed to a topic. */
  subscriberCount(topic: string): number {
    return this.#publishing.subscriberCount(topic);
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
    return this.#publishing.publish(topic, data, options);
  }

  // ---- HTTP -------------------------------------------------------------------------------

  /** Registers a handler for a method (or "ANY") and a path pattern with `:params` and `*`. */
  route(method: HttpMethod | "ANY", pattern: string, handler: RouteHandler): this {
    this.#http.route(method, pattern, handler);
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
    this.#http.use(middleware);
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
    this.#http.notFound(handler);
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
    this.#http.errorHandler(handler);
    return this;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** The bound address while listening. */
  get address(): BoundAddress | undefined {
    return this.#lifecycle.address;
  }

  /**
   * Runs `onInit` (the first time only), then binds the port. Resolves to the bound address (`port: 0` picks one).
   *
   * @example
   * const { port, url } = await server.listen({ port: 0 });
   */
  listen(options: ListenOptions = {}): Promise<BoundAddress> {
    return this.#lifecycle.listen(options);
  }

  /**
   * Graceful shutdown: stops accepting, closes every channel with 1001 (dropping peers that do not
   * answer within `closeTimeoutMs`), waits for their `onWsClose`, then releases the port.
   */
  close(): Promise<void> {
    return this.#lifecycle.close();
  }

  /** @internal Puts a layer (an `EventHub`) in front of the raw message callbacks. One per server. */
  attachLayer(layer: MessageLayer): void {
    if (this.#layer) {
      throw new SwitchboardError("INVALID_ARGUMENT", "this server already has an EventHub");
    }
    this.#layer = layer;
  }

  // ---- the engine seam ------------------------------------------------------------------------

  #engineHost(): EngineHost {
    return {
      limits: this.#engineLimits,
      perMessageDeflate: this.#deflate !== undefined,
      deflate: this.#deflate,
      http: (exchange) => this.#http.handle(exchange),
      upgrade: (request, responder) => this.#upgrades.handle(request, responder),
      open: (socket, context, protocol) =>
        this.#handleOpen(socket, context as UpgradeContext, protocol),
      hasRoute: (url) => this.#http.hasRoute(url),
    };
  }

  #handleOpen(socket: EngineSocket, context: UpgradeContext, protocol: string): SocketEvents {
    if (this.#recovery?.claims(protocol)) return this.#recovery.open(socket, context, protocol);
    return this.#openConnection(socket, context, protocol);
  }

  #openConnection(socket: EngineSocket, context: UpgradeContext, protocol: string): Connection {
    const connection = new Connection(
      this.#context,
      socket,
      this.#nextChannelId++,
      context,
      protocol,
    );
    this.#channels.add(connection.channel as Channel<Data>);
    this.#upgrades.opened(context);
    // Before onWsOpen runs, which may already broadcast.
    if (this.#backend.publish) socket.subscribe?.(EVERYONE_TOPIC);
    return connection;
  }

  /** The sessions of recovering clients, with `recovery` on. */
  #recoveryOf(
    options: WebServerOptions<Data>["recovery"],
    pubsub: PubSubAdapter | undefined,
  ): Recovery | undefined {
    const limits = resolveRecovery(options);
    if (!limits) return undefined;
    return new Recovery(
      limits,
      {
        create: (socket, context, protocol) =>
          this.#openConnection(socket, context as UpgradeContext, protocol),
        recovered: (channel) =>
          this.#safely(() => this.onWsRecover(channel as Channel<Data>), {
            source: "onWsRecover",
            channel,
          }),
        isClosing: () => this.#lifecycle.state === "closing",
        publishes: this.#backend.publish !== undefined,
        // A session resumed from another process: its channel as it was there.
        // The resume's own upgrade context (not a copy: it carries the address slot it holds),
        // with the channel's `url` and `data` as they were there.
        adopt: (socket, context, protocol, url, data) => {
          const upgrade = context as UpgradeContext;
          upgrade.url = url;
          upgrade.data = data;
          return this.#openConnection(socket, upgrade, protocol);
        },
        topicsOf: (channel) => this.#publishing.topicsOf(channel),
        subscribe: (channel, topic) => this.#publishing.subscribe(channel, topic),
      },
      pubsub?.recovery,
    );
  }

  /** The one object every connection of this server shares: limits, and where events go. */
  #serverContext(): ServerContext {
    const { maxMessageBytes, maxMessagesPerSecond, maxQueuedMessageBytes, closeTimeoutMs } =
      this.limits;
    return {
      flow: this.limits,
      maxMessageBytes,
      maxMessagesPerSecond,
      maxQueuedMessageBytes,
      closeTimeoutMs,
      isClosing: () => this.#lifecycle.state === "closing",
      opened: (channel) => {
        this.#layer?.opened(channel);
        return this.onWsOpen(channel as Channel<Data>, channel.url);
      },
      deliver: (channel, data, binary) => this.#deliver(channel as Channel<Data>, data, binary),
      left: (channel) => {
        this.#channels.delete(channel as Channel<Data>);
        this.#upgrades.closed(channel.remoteAddress);
        this.#publishing.leave(channel);
        // Resolves after the synchronous part of onWsClose, which runs right after this.
        if (this.#channels.size === 0) this.#lifecycle.channelsGone();
      },
      closed: (channel, code, reason) => {
        // Here rather than in `left`: messages that waited for an async callback are delivered
        // between the two, and the layer still reads its own among them.
        this.#layer?.closed(channel);
        return this.onWsClose(channel as Channel<Data>, code, reason);
      },
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
      queueOverflowed: (channel) => {
        this.stats.queueOverflowed++;
        this.#report(
          new SwitchboardError(
            "QUEUE_OVERFLOW",
            `channel ${channel.id} sent more than maxQueuedMessageBytes (${this.limits.maxQueuedMessageBytes}) while its callbacks were pending and was closed with 1008`,
          ),
          { source: "backpressure", channel },
        );
      },
      rateLimited: () => {
        this.stats.rateLimited++;
      },
      report: (error, source, channel) => this.#report(error, { source, channel }),
    };
  }

  #deliver(channel: Channel<Data>, data: Uint8Array | string, binary: boolean): unknown {
    const taken = this.#layer?.message(channel, data, binary);
    if (taken) return taken === true ? undefined : taken;
    if (typeof data === "string") return this.#deliverText(channel, data);
    const frame = this.onWsMessageFrame(channel, data, binary ? Opcode.BINARY : Opcode.TEXT);
    // A server that only takes frames should not pay for decoding every text message.
    if (binary || !this.#wantsText()) return frame;
    const text = this.onWsMessage(channel, decoder.decode(data));
    return isThenable(frame) ? Promise.all([frame, text]) : text;
  }

  /** A text message an engine decoded already: bytes only for a server that takes frames. */
  #deliverText(channel: Channel<Data>, text: string): unknown {
    const frame = this.#wantsFrames()
      ? this.onWsMessageFrame(channel, encoder.encode(text), Opcode.TEXT)
      : undefined;
    const result = this.onWsMessage(channel, text);
    return isThenable(frame) ? Promise.all([frame, result]) : result;
  }

  /** Whether `onWsMessageFrame` does anything: overridden, assigned, or passed as an option. */
  #wantsFrames(): boolean {
    return (
      this.onWsMessageFrame !== WebServer.prototype.onWsMessageFrame ||
      this.#hooks.onWsMessageFrame !== undefined
    );
  }

  /** Whether `onWsMessage` does anything: overridden, assigned, or passed as an option. */
  #wantsText(): boolean {
    return (
      this.onWsMessage !== WebServer.prototype.onWsMessage || this.#hooks.onWsMessage !== undefined
    );
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

/**
 * A subprotocol that is not a recovery token, nor one that only looks like it:
 * `switchboard.recovery.v1+` names no inner protocol, and a client that offered it expects
 * recovery, which the connection would not speak.
 */
function isPlainProtocol(protocol: string): boolean {
  return innerProtocol(protocol) === undefined && !protocol.startsWith(`${RECOVERY_PROTOCOL}+`);
}

/** What the default upgrade agrees to on a server with recovery: a recovery token or a plain one. */
function isAgreeable(protocol: string): boolean {
  return innerProtocol(protocol) !== undefined || isPlainProtocol(protocol);
}
