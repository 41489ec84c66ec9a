import type {
  Backend,
  BoundAddress,
  EngineHost,
  EngineSocket,
  HttpExchange,
  SocketEvents,
  UpgradeRequest,
  UpgradeResponder,
} from "./backend.js";
import { Channel, type ChannelOwner, encodeOnce, isBinary, type SendData } from "./channel.js";
import { SwitchboardError } from "./errors.js";
import { checkHandshake, offeredProtocols } from "./handshake.js";
import { HttpRequest, HttpResponse } from "./http.js";
import { CloseCode, Opcode } from "./opcode.js";
import { checkAddress, resolveLimits, type ServerLimits } from "./options.js";
import { dispatchHttp, type RouteHandler, type RouteResult } from "./routing.js";
import { type HttpMethod, Router } from "./router.js";
import { Sequencer } from "./sequencer.js";

/** Where an error reported to `onError` came from. */
export interface ErrorContext {
  /** The callback or subsystem that failed, e.g. "onWsMessage", "http", "backpressure". */
  source: string;
  channel?: Channel;
  request?: HttpRequest;
}

/** The callbacks of a server; override them in a subclass or pass them as options. */
export interface WebServerHooks<Data = unknown> {
  /** Runs once in `listen()` before the port opens: register routes here. */
  onInit?(this: WebServer<Data>): void | Promise<void>;
  /** A client connected; `url` is the upgrade request's path and query. */
  onWsOpen?(this: WebServer<Data>, channel: Channel<Data>, url: string): unknown;
  /** A client is gone (close frame or dropped TCP; code 1006 when no close frame came). */
  onWsClose?(this: WebServer<Data>, channel: Channel<Data>, code: number, reason: string): unknown;
  /** A text message arrived. */
  onWsMessage?(this: WebServer<Data>, channel: Channel<Data>, text: string): unknown;
  /** Any message arrived, as bytes, with its opcode (lossless, text or binary). */
  onWsMessageFrame?(this: WebServer<Data>, channel: Channel<Data>, data: Uint8Array, opcode: Opcode): unknown;
  /** A channel whose `send` returned false has drained to `lowWaterMark`. */
  onWsDrain?(this: WebServer<Data>, channel: Channel<Data>): unknown;
  /** A callback threw or an engine reported an error. Default: `console.error`. */
  onError?(this: WebServer<Data>, error: unknown, context: ErrorContext): void;
}

/** Options of `new WebServer(...)`: the backend, limits, and optionally the hooks. */
export interface WebServerOptions<Data = unknown> extends WebServerHooks<Data>, Partial<ServerLimits> {
  /** The engine: `wsBackend()` from `@switchboard/server-ws` or `uwsBackend()` from `@switchboard/server-uws`. */
  backend: Backend;
}

/** Options of `listen()`. */
export interface ListenOptions {
  /** Default 0: a free port chosen by the OS. */
  port?: number;
  /** Default "127.0.0.1". Use "0.0.0.0" or "::" to accept remote clients. */
  host?: string;
}

/** Options of `broadcast()`. */
export interface BroadcastOptions {
  /** A channel (or channels) that should not get the message, typically the sender. */
  exclude?: Channel | Iterable<Channel> | null;
  /** Default: TEXT for strings, BINARY for bytes. */
  opcode?: Opcode;
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
  readonly limits: Readonly<ServerLimits>;
  readonly #backend: Backend;
  readonly #hooks: WebServerHooks<Data>;
  readonly #router = new Router<RouteHandler>();
  readonly #channels = new Set<Channel<Data>>();
  readonly #owner: ChannelOwner;
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
    const { backend, onInit, onWsOpen, onWsClose, onWsMessage, onWsMessageFrame, onWsDrain, onError, ...limits } =
      options;
    this.#backend = backend;
    this.#hooks = { onInit, onWsOpen, onWsClose, onWsMessage, onWsMessageFrame, onWsDrain, onError };
    this.limits = Object.freeze(resolveLimits(limits));
    this.#owner = this.#channelOwner();
  }

  // ---- callbacks: override in a subclass, or pass as options --------------------------------

  /** Runs once in `listen()` before the port opens: register routes here. */
  onInit(): void | Promise<void> {
    return this.#hooks.onInit?.call(this);
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
    if (this.#hooks.onError) return this.#hooks.onError.call(this, error, context);
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
    const { exclude, opcode } = options;
    const binary = isBinary(data, opcode);
    if (this.#backend.publish && (!exclude || exclude instanceof Channel)) {
      const published = this.#publish(data, binary, exclude as Channel<Data> | null | undefined);
      if (published !== undefined) return published;
    }
    const excluded = toExcludeSet(exclude);
    let delivered = 0;
    let payload: Uint8Array | string | undefined;
    for (const channel of this.#channels) {
      if (!channel.isOpen || excluded?.has(channel)) continue;
      // Validate and encode once, not once per channel.
      payload ??= encodeOnce(data, binary);
      try {
        channel.sendPrepared(payload, binary);
        delivered++;
      } catch (error) {
        if (!(error instanceof SwitchboardError)) throw error;
      }
    }
    return delivered;
  }

  /**
   * Broadcast through the engine's own publish, when every recipient can take the message as a
   * whole now; undefined when one cannot (closing, mid-fragment, buffer full), so the caller
   * falls back to sending channel by channel, which applies the per-channel policy.
   */
  #publish(data: SendData, binary: boolean, exclude: Channel<Data> | null | undefined): number | undefined {
    if (exclude && !exclude.isOpen) return undefined;
    let payload: Uint8Array | undefined;
    let recipients = 0;
    for (const channel of this.#channels) {
      if (channel === exclude) continue;
      payload ??= encodeOnce(data, binary);
      if (!channel.admitsWhole(payload.byteLength)) return undefined;
      recipients++;
    }
    if (!payload || recipients === 0) return 0;
    this.#backend.publish?.(payload, binary, exclude?.engineSocket);
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
    const { port = 0, host = "127.0.0.1" } = options;
    checkAddress(port, host);
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
      const bound = await this.#backend.listen(this.#engineHost(), { port, host });
      this.#address = { port: bound.port, host, url: `http://${formatHost(host)}:${bound.port}` };
    } catch (error) {
      this.#state = "idle";
      throw error;
    }
    this.#state = "listening";
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
    const allClosed = new Promise<void>((resolve) => {
      this.#allClosed = resolve;
    });
    for (const channel of this.#channels) channel.close(CloseCode.GOING_AWAY, "server shutting down");
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
    this.#address = undefined;
    this.#closing = undefined;
    this.#state = "idle";
  }

  // ---- the engine seam ------------------------------------------------------------------------

  #engineHost(): EngineHost {
    return {
      limits: this.limits,
      http: (exchange) => this.#handleHttp(exchange),
      upgrade: (request, responder) => this.#handleUpgrade(request, responder),
      open: (socket, context, protocol) => this.#handleOpen(socket, context as UpgradeContext, protocol),
    };
  }

  #handleHttp(exchange: HttpExchange): void {
    const request = new HttpRequest(exchange, this.limits.maxBodyBytes);
    const response = new HttpResponse(exchange, exchange.method === "HEAD");
    dispatchHttp(this.#router, request, response, (error) => this.#report(error, { source: "http", request })).catch(
      (error: unknown) => this.#report(error, { source: "http", request }),
    );
  }

  #handleUpgrade(request: UpgradeRequest, responder: UpgradeResponder): void {
    if (this.#state !== "listening") {
      return responder.reject(503, [], "server is shutting down");
    }
    const refusal = checkHandshake(request);
    if (refusal) return responder.reject(refusal.status, refusal.headers, refusal.body);
    const origins = this.limits.allowedOrigins;
    if (origins.length > 0 && !origins.includes(request.headers["origin"] ?? "")) {
      return responder.reject(403, [], "origin not allowed");
    }
    const protocol = offeredProtocols(request)[0] ?? "";
    const context: UpgradeContext = { url: request.url, remoteAddress: request.remoteAddress, data: undefined };
    responder.accept(protocol, context);
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
    const sequencer = new Sequencer();
    const report = (source: string) => (error: unknown) => this.#report(error, { source, channel });
    this.#channels.add(channel);
    const maxMessageBytes = this.limits.maxMessageBytes;
    const onMessageError = report("onWsMessage");
    return {
      open: () => {
        if (this.#state === "closing") channel.close(CloseCode.GOING_AWAY, "server shutting down");
        sequencer.run(() => this.onWsOpen(channel, context.url), (error) => {
          report("onWsOpen")(error);
          if (channel.isOpen) channel.close(CloseCode.INTERNAL_ERROR, "internal error");
        });
      },
      message: (data, binary) => {
        if (!channel.isOpen) return;
        if (data.byteLength > maxMessageBytes) {
          channel.close(CloseCode.MESSAGE_TOO_BIG, "message too big");
          return;
        }
        sequencer.run(() => this.#deliver(channel, data, binary), onMessageError);
      },
      close: (code, reason) => {
        this.#channels.delete(channel);
        channel.handleClose();
        sequencer.run(() => this.onWsClose(channel, code, reason), report("onWsClose"));
        if (this.#channels.size === 0) this.#allClosed?.();
      },
      drain: () => channel.handleDrain(),
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
    return this.onWsMessage !== WebServer.prototype.onWsMessage || this.#hooks.onWsMessage !== undefined;
  }

  #channelOwner(): ChannelOwner {
    return {
      flow: this.limits,
      drained: (channel) =>
        this.#safely(() => this.onWsDrain(channel as Channel<Data>), { source: "onWsDrain", channel }),
      overflowed: (channel) =>
        this.#report(
          new SwitchboardError(
            "BUFFER_OVERFLOW",
            `channel ${channel.id} exceeded maxBufferedBytes (${this.limits.maxBufferedBytes}) and was closed with 1008`,
          ),
          { source: "backpressure", channel },
        ),
    };
  }

  /** Runs a callback whose failure (thrown or rejected) goes to `onError`. */
  #safely(task: () => unknown, context: ErrorContext): void {
    try {
      const result = task();
      if (isThenable(result)) Promise.resolve(result).catch((error: unknown) => this.#report(error, context));
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

function toExcludeSet(exclude: BroadcastOptions["exclude"]): Set<Channel> | undefined {
  if (!exclude) return undefined;
  if (exclude instanceof Channel) return new Set([exclude]);
  return new Set(exclude);
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}
