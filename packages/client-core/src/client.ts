import { reconnectDelay } from "./backoff.js";
import { ClientError } from "./errors.js";
import { Inbox } from "./inbox.js";
import { Message } from "./message.js";
import { Opcode } from "./opcode.js";
import {
  type ClientHooks,
  type ClientOptions,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import { Outbox } from "./outbox.js";
import type { Transport, TransportEvents, TransportOptions } from "./transport.js";
import { checkClose, checkUrl, toPayload } from "./validation.js";

/**
 * Where to connect: a URL, or a function (possibly async) asked again before every attempt, e.g.
 * to pick a server or refresh a token in the query.
 */
export type UrlSource = string | URL | (() => string | URL | PromiseLike<string | URL>);

/** Where the client is in its life. */
export type ClientState = "idle" | "connecting" | "open" | "reconnecting" | "closing" | "closed";

/** Options of `nextMessage()`. */
export interface NextMessageOptions {
  /** Reject with `TIMEOUT` after this many ms. Default: wait as long as the client lives. */
  timeout?: number;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The WebSocket client, independent of any WebSocket implementation; `@switchboard/client-node`
 * and `@switchboard/client-browser` each add a transport and export it as `WebSocketClient`.
 */
export abstract class WebSocketClientBase implements AsyncIterable<Message> {
  readonly #options: ResolvedOptions;
  readonly #hooks: ClientHooks;
  readonly #inbox: Inbox;
  readonly #outbox: Outbox;
  #state: ClientState = "idle";
  #url: UrlSource | undefined;
  #transport: Transport | undefined;
  #protocol = "";
  /** Bumped whenever an attempt is abandoned, so its late events are ignored. */
  #attemptId = 0;
  #retries = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Set by `reconnect()` while the old connection closes. */
  #restart = false;
  #openWaiters: Waiter[] = [];
  #closeWaiters: Waiter[] = [];
  #drainWaiters: Waiter[] = [];

  constructor(options: ClientOptions = {}) {
    this.#options = resolveOptions(options);
    const { onOpen, onClose, onMessage, onMessageFrame, onError } = options;
    this.#hooks = { onOpen, onClose, onMessage, onMessageFrame, onError };
    this.#inbox = new Inbox(this.#options.maxUnreadMessages);
    this.#outbox = new Outbox(this.#options.maxQueuedMessages);
  }

  /** Opens one connection attempt; implemented by each package with its WebSocket. */
  protected abstract createTransport(
    url: string,
    options: TransportOptions,
    events: TransportEvents,
  ): Transport;

  // ---- callbacks: override in a subclass, or pass as options --------------------------------

  /** The connection is open (again, after a reconnect). */
  onOpen(): unknown {
    return this.#hooks.onOpen?.call(this);
  }
  /** An open connection ended, with the close code and reason (1006: dropped without a close frame). */
  onClose(code: number, reason: string): unknown {
    return this.#hooks.onClose?.call(this, code, reason);
  }
  /** A TEXT message arrived. */
  onMessage(text: string): unknown {
    return this.#hooks.onMessage?.call(this, text);
  }
  /** Any message arrived, as bytes, with its opcode: lossless for binary data. */
  onMessageFrame(data: Uint8Array, opcode: Opcode): unknown {
    return this.#hooks.onMessageFrame?.call(this, data, opcode);
  }
  /**
   * Reports what no promise or exception can: a callback that threw, a failed reconnect
   * attempt, dropped unread messages, discarded queued messages. Default: `console.error`.
   */
  onError(error: unknown): void {
    if (this.#hooks.onError) this.#hooks.onError.call(this, error);
    else console.error("[switchboard]", error);
  }

  // ---- state --------------------------------------------------------------------------------

  /** `idle`, `connecting`, `open`, `reconnecting`, `closing` or `closed`. */
  get state(): ClientState {
    return this.#state;
  }

  /** True while the connection is open and `send` writes straight to it. */
  get isConnected(): boolean {
    return this.#state === "open";
  }

  /** The subprotocol the server picked, or "". */
  get protocol(): string {
    return this.#protocol;
  }

  /** Bytes passed to `send` that the socket has not written out yet. */
  get bufferedAmount(): number {
    return this.#transport?.bufferedAmount ?? 0;
  }

  // ---- connecting ---------------------------------------------------------------------------

  /**
   * Connects and resolves once the connection is open. Rejects with `INVALID_URL`,
   * `CONNECT_FAILED` or `CONNECT_TIMEOUT`; with `reconnect` on, failed attempts are retried
   * first and it rejects with `RECONNECT_FAILED` once `maxRetries` is used up.
   *
   * @example
   * await client.connect("ws://127.0.0.1:8080/chat");
   */
  connect(url: UrlSource): Promise<void> {
    if (this.#state !== "idle" && this.#state !== "closed") {
      return Promise.reject(
        new ClientError("ALREADY_CONNECTED", `connect() while ${this.#state}: close() first`),
      );
    }
    this.#url = url;
    return this.#start();
  }

  /**
   * Closes the current connection (if any) with 1000 and connects again at once, to the URL
   * given to `connect()` (a URL function is asked again). Resolves once open.
   */
  reconnect(): Promise<void> {
    if (this.#url === undefined) {
      return Promise.reject(
        new ClientError("NOT_CONNECTED", "reconnect() needs a connect(url) first"),
      );
    }
    if (this.#state === "open" || this.#state === "closing") {
      const opened = this.#whenOpen();
      this.#restart = true;
      if (this.#state === "open") {
        this.#state = "closing";
        this.#transport?.close(1000, "reconnect");
      }
      return opened;
    }
    this.#abandonAttempt();
    return this.#start();
  }

  #start(): Promise<void> {
    this.#inbox.reopen();
    this.#retries = 0;
    const opened = this.#whenOpen();
    void this.#attempt();
    return opened;
  }

  #whenOpen(): Promise<void> {
    return new Promise((resolve, reject) => this.#openWaiters.push({ resolve, reject }));
  }

  async #attempt(): Promise<void> {
    const id = ++this.#attemptId;
    const live = () => id === this.#attemptId;
    this.#state = "connecting";
    let url: string;
    try {
      const source = this.#url;
      url = checkUrl(typeof source === "function" ? await source() : source);
    } catch (error) {
      if (live()) {
        this.#attemptFailed(
          error instanceof ClientError
            ? error
            : new ClientError("CONNECT_FAILED", `the URL function failed: ${String(error)}`, {
                cause: error,
              }),
        );
      }
      return;
    }
    if (!live()) return;
    let failure: Error | undefined;
    const events: TransportEvents = {
      open: (protocol) => live() && this.#opened(protocol),
      message: (data, binary) => live() && this.#received(data, binary),
      error: (error) => {
        failure = error;
      },
      close: (code, reason) => {
        if (!live()) return;
        this.#transport = undefined;
        if (this.#state === "connecting") {
          this.#attemptFailed(
            new ClientError(
              "CONNECT_FAILED",
              `could not connect to ${url}: ${failure?.message ?? `closed with ${code}`}`,
              {
                cause: failure,
              },
            ),
          );
        } else this.#closed(code, reason);
      },
      drain: () => live() && this.#checkDrain(),
    };
    try {
      this.#transport = this.createTransport(url, { protocols: this.#options.protocols }, events);
    } catch (error) {
      this.#attemptFailed(
        new ClientError("CONNECT_FAILED", `could not connect to ${url}: ${String(error)}`, {
          cause: error,
        }),
      );
      return;
    }
    const timeout = this.#options.connectTimeout;
    this.#timer = setTimeout(() => {
      this.#abandonAttempt();
      this.#attemptFailed(
        new ClientError("CONNECT_TIMEOUT", `no connection to ${url} within ${timeout} ms`),
      );
    }, timeout);
  }

  /** Stops the attempt in flight (or the wait before it) and ignores whatever it reports later. */
  #abandonAttempt(): void {
    this.#attemptId++;
    clearTimeout(this.#timer);
    this.#transport?.terminate();
    this.#transport = undefined;
  }

  #opened(protocol: string): void {
    clearTimeout(this.#timer);
    this.#state = "open";
    this.#protocol = protocol;
    this.#retries = 0;
    // Queued messages go first: they were sent before anything onOpen sends.
    for (const payload of this.#outbox.take())
      if (!this.#transport?.send(payload)) this.#outbox.push(payload);
    this.#settle(this.#openWaiters);
    this.#call(() => this.onOpen());
    this.#checkDrain();
  }

  #attemptFailed(error: unknown): void {
    const policy = this.#options.reconnect;
    if (!policy || (error instanceof ClientError && error.code === "INVALID_URL")) {
      this.#finish(error);
    } else if (this.#retries >= policy.maxRetries) {
      const message = `gave up after ${this.#retries} retries: ${(error as Error).message}`;
      this.#finish(new ClientError("RECONNECT_FAILED", message, { cause: error }));
    } else {
      this.#report(error);
      this.#scheduleRetry();
    }
  }

  #scheduleRetry(): void {
    const policy = this.#options.reconnect!;
    this.#state = "reconnecting";
    this.#timer = setTimeout(() => void this.#attempt(), reconnectDelay(this.#retries++, policy));
  }

  #closed(code: number, reason: string): void {
    const deliberate = this.#state === "closing" && !this.#restart;
    this.#settle(this.#closeWaiters);
    this.#call(() => this.onClose(code, reason));
    if (this.#restart) {
      this.#restart = false;
      this.#retries = 0;
      void this.#attempt();
    } else if (!deliberate && this.#options.reconnect) {
      this.#retries = 0;
      this.#scheduleRetry();
    } else
      this.#finish(
        deliberate ? undefined : new ClientError("CLOSED", `connection closed with ${code}`),
      );
  }

  /** The client is done: settle every promise and end iteration. */
  #finish(error: unknown): void {
    clearTimeout(this.#timer);
    this.#state = "closed";
    this.#protocol = "";
    this.#restart = false;
    const failed = this.#openWaiters.length > 0;
    this.#settle(
      this.#openWaiters,
      error ?? new ClientError("CLOSED", "close() was called before the connection opened"),
    );
    if (error && !failed && (error as ClientError).code !== "CLOSED") this.#report(error);
    this.#settle(
      this.#drainWaiters,
      new ClientError("CLOSED", "the client closed before the buffer drained"),
    );
    this.#settle(this.#closeWaiters);
    const discarded = this.#outbox.take().length;
    if (discarded > 0) {
      this.#report(
        new ClientError(
          "QUEUE_DISCARDED",
          `${discarded} queued messages were not sent: the client closed`,
        ),
      );
    }
    this.#inbox.end();
  }

  // ---- sending ------------------------------------------------------------------------------

  /**
   * Sends a string as TEXT or bytes as BINARY. While (re)connecting the message is queued (up to
   * `maxQueuedMessages`, then `QUEUE_FULL` is thrown) and sent once open. Returns false when the
   * message was queued or the buffer is over `highWaterMark`: `await client.drain()` before more.
   * Throws `NOT_CONNECTED` when no connection is open or on its way.
   */
  send(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): boolean {
    const payload = toPayload(data);
    const transport = this.#transport;
    if (this.#state === "open" && transport?.send(payload)) {
      return transport.bufferedAmount < this.#options.highWaterMark;
    }
    // An open socket may already be closing underneath us: with reconnect on, queue for the next one.
    if (
      this.#state === "connecting" ||
      this.#state === "reconnecting" ||
      (this.#state === "open" && this.#options.reconnect)
    ) {
      this.#outbox.push(payload);
      return false;
    }
    throw new ClientError(
      "NOT_CONNECTED",
      `cannot send: the client is ${this.#state === "open" ? "closing" : this.#state}`,
    );
  }

  /** Resolves once the connection is open with at most `lowWaterMark` bytes buffered. */
  drain(): Promise<void> {
    if (this.#state === "idle" || this.#state === "closed") {
      return Promise.reject(new ClientError("NOT_CONNECTED", `drain() while ${this.#state}`));
    }
    const drained = new Promise<void>((resolve, reject) =>
      this.#drainWaiters.push({ resolve, reject }),
    );
    this.#checkDrain();
    return drained;
  }

  #checkDrain(): void {
    if (this.#state === "open" && this.bufferedAmount <= this.#options.lowWaterMark)
      this.#settle(this.#drainWaiters);
  }

  /**
   * Closes with a close frame (default 1000) and resolves once the closing handshake is done.
   * Stops reconnecting for good. Rejects with `INVALID_ARGUMENT` for a code other than 1000 or
   * 3000-4999, or a reason over 123 bytes.
   */
  close(code = 1000, reason = ""): Promise<void> {
    try {
      checkClose(code, reason);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#restart = false;
    const state = this.#state;
    if (state === "idle" || state === "closed") return Promise.resolve();
    const closed = new Promise<void>((resolve, reject) =>
      this.#closeWaiters.push({ resolve, reject }),
    );
    if (state === "connecting" || state === "reconnecting") {
      this.#abandonAttempt();
      this.#finish(undefined);
    } else if (state === "open") {
      this.#state = "closing";
      this.#transport?.close(code, reason);
    }
    return closed;
  }

  // ---- receiving ----------------------------------------------------------------------------

  #received(payload: string | Uint8Array, binary: boolean): void {
    const message = new Message(binary ? Opcode.BINARY : Opcode.TEXT, payload);
    // Text arrives as a string in browsers: only encode it when someone wants the bytes.
    if (
      this.#hooks.onMessageFrame ||
      this.onMessageFrame !== WebSocketClientBase.prototype.onMessageFrame
    ) {
      this.#call(() => this.onMessageFrame(message.data, message.opcode));
    }
    if (!binary) this.#call(() => this.onMessage(message.text));
    if (this.#inbox.push(message)) {
      this.#report(
        new ClientError(
          "MESSAGES_DROPPED",
          "unread messages are being dropped: raise maxUnreadMessages or read faster",
        ),
      );
    }
  }

  /**
   * The next message, including any that arrived before the call. Rejects with `CLOSED` once
   * the client closed and every message was read, and with `TIMEOUT` after `timeout` ms.
   *
   * @example
   * const welcome = await client.nextMessage({ timeout: 5000 });
   * console.log(welcome.text);
   */
  async nextMessage(options: NextMessageOptions = {}): Promise<Message> {
    const message = await this.#inbox.next(options.timeout);
    if (!message)
      throw new ClientError("CLOSED", "the client is closed and every message was read");
    return message;
  }

  /**
   * Every message, in order, until the client closes (`break` to stop early).
   *
   * @example
   * for await (const message of client) console.log(message.text);
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (let message = await this.#inbox.next(); message; message = await this.#inbox.next())
      yield message;
  }

  // ---- plumbing -----------------------------------------------------------------------------

  #settle(waiters: Waiter[], error?: unknown): void {
    for (const waiter of waiters.splice(0)) error ? waiter.reject(error) : waiter.resolve();
  }

  /** Runs a user callback; what it throws or rejects with goes to `onError`. */
  #call(callback: () => unknown): void {
    try {
      const result = callback() as PromiseLike<unknown> | undefined;
      if (typeof result?.then === "function")
        result.then(undefined, (error) => this.#report(error));
    } catch (error) {
      this.#report(error);
    }
  }

  /** Hands an error to `onError`; one that throws itself is logged, never rethrown. */
  #report(error: unknown): void {
    try {
      this.onError(error);
    } catch (secondary) {
      console.error("[switchboard] onError threw", secondary, "while reporting", error);
    }
  }
}
