import { later } from "@switchboard/protocol";
import { reconnectDelay } from "./backoff.js";
import { attemptError, ClientError, type ClientErrorCode } from "./errors.js";
import { createInbox, type Inbox } from "./inbox.js";
import { type Message, toMessage } from "./message.js";
import type { Opcode } from "./opcode.js";
import {
  type ClientHooks,
  type ClientOptions,
  type ResolvedOptions,
  resolveOptions,
} from "./options.js";
import type { CloseInfo } from "./policy.js";
import type { ClientRecovery } from "./recovery.js";
import { guard, report } from "./report.js";
import type { Transport, TransportEvents, TransportOptions } from "./transport.js";
import { canClose, checkUrl, toPayload } from "./validation.js";
import { settle, type Waiter, wait } from "./waiters.js";

/**
 * Where to connect: a URL, or a function (possibly async) asked again before every attempt, e.g.
 * to pick a server or refresh a token in the query.
 */
export type UrlSource = string | URL | (() => string | URL | PromiseLike<string | URL>);

/** Where the client is in its life. */
export type ClientState = "closed" | "connecting" | "open" | "reconnecting" | "closing";

/** Options of `nextMessage()`. */
export interface NextMessageOptions {
  /** Reject with `TIMEOUT` after this many ms. Default: wait as long as the client lives. */
  timeout?: number;
}

/**
 * The WebSocket client, independent of any WebSocket implementation; `@switchboard/client-node`
 * and `@switchboard/client-browser` each add a transport and export it as `WebSocketClient`.
 */
export abstract class WebSocketClientBase implements AsyncIterable<Message> {
  readonly #options: ResolvedOptions;
  /** Messages sent while (re)connecting, written in order once the connection opens. */
  #queue: (string | Uint8Array)[] = [];
  #state: ClientState = "closed";
  #url: UrlSource | undefined;
  #transport: Transport | undefined;
  #recovery: ClientRecovery | undefined;

  /** Bumped whenever an attempt is abandoned, so that its late events are ignored. */
  #attemptId = 0;
  #retries = 0;
  /** When the connection opened: one that drops within `maxDelay` was another failed attempt. */
  #openedAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Whether the pending retry waits out a backoff the client chose, not a wait the server asked for. */
  #cuttable?: boolean;
  #openWaiters: Waiter[] = [];
  #closeWaiters: Waiter[] = [];
  /** Received messages nobody has asked for yet, and the `nextMessage()` calls waiting. */
  readonly #inbox: Inbox<Message>;

  constructor(options: ClientOptions = {}) {
    const resolved = resolveOptions(options);
    this.#options = resolved;
    this.#inbox = createInbox(resolved.maxUnreadMessages, () => this.#state === "closed");
    // `recover: true` needs a platform client that includes recovery (see `recovery()`).
    const { recover } = options;
    if (recover) {
      this.#recovery = (recover === true ? this.recovery : recover)?.(this);
      if (!this.#recovery) throw new ClientError("INVALID_OPTION", "recover");
    }
    // Every `on…` option given replaces the method of that name.
    for (const name in options) {
      const hook = options[name as keyof ClientHooks];
      if (name.startsWith("on") && hook) this[name as keyof ClientHooks] = hook as never;
    }
  }

  /** Opens one connection attempt; implemented by each package with its WebSocket. */
  protected abstract createTransport(
    url: string,
    options: TransportOptions,
    events: TransportEvents,
  ): Transport;

  /** A platform client that always includes recovery makes it here, for `recover: true`. */
  protected recovery?(client: WebSocketClientBase): ClientRecovery;

  // ---- callbacks: override in a subclass, or pass as options --------------------------------

  /** The connection is open (again, after a reconnect). */
  onOpen(): unknown {
    return undefined;
  }
  /**
   * An open connection ended, with the close code and reason (1006: dropped without a close
   * frame); `reconnecting` says whether the client will retry.
   */
  onClose(_code: number, _reason: string, _reconnecting: boolean): unknown {
    return undefined;
  }
  /** A TEXT message arrived. */
  onMessage(_text: string): unknown {
    return undefined;
  }
  /** Any message arrived, as bytes, with its opcode: lossless for binary data. */
  onMessageFrame(_data: Uint8Array, _opcode: Opcode): unknown {
    return undefined;
  }
  /**
   * Reports what no promise or exception can: a callback that threw, a failed reconnect
   * attempt, dropped unread messages, discarded queued messages. Default: `console.error`.
   */
  onError(error: unknown): void {
    console.error(error);
  }
  /**
   * With `reconnect` on: the client stopped by itself and is now closed. `error` says why:
   * `CLOSED_BY_SERVER` or `UPGRADE_REFUSED` (with `error.info`), `RECONNECT_FAILED`
   * (`maxRetries` spent). `reconnect()` starts again.
   */
  onStop(_error: ClientError): unknown {
    return undefined;
  }

  // ---- state --------------------------------------------------------------------------------

  /** `closed` (also before the first `connect()`), `connecting`, `open`, `reconnecting` or `closing`. */
  get state(): ClientState {
    return this.#state;
  }

  /** True while the connection is open and `send` writes straight to it. */
  get isConnected(): boolean {
    return this.#state === "open";
  }

  /** The subprotocol the server picked, or "" (also while not connected). */
  get protocol(): string {
    return this.#transport?.protocol ?? "";
  }

  /** With `recover`: whether this connection resumed the last one's session, missing nothing. */
  get recovered(): boolean {
    return !!this.#recovery?.recovered;
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
  async connect(url: UrlSource): Promise<void> {
    if (this.#state !== "closed") throw new ClientError("ALREADY_CONNECTED");
    this.#url = url;
    return this.#start();
  }

  /**
   * Closes the current connection (if any) with 1000 and connects again at once, to the URL
   * given to `connect()` (a URL function is asked again). Resolves once open; before any
   * `connect()` there is no URL, so it rejects with `INVALID_URL`.
   */
  reconnect(): Promise<void> {
    // The old connection's own close event is ignored from here on; report it now.
    if (this.#state === "open") this.#call("onClose", 1000, "reconnect", true);
    this.#abandon();
    return this.#start();
  }

  #start(): Promise<void> {
    // A close() overtaken by reconnect() is done: that connection is gone.
    settle(this.#closeWaiters);
    this.#retries = 0;
    this.watch(true);
    // Wait first: a bad URL fails the attempt before it reaches its first await.
    const opened = wait(this.#openWaiters);
    void this.#attempt();
    return opened;
  }

  async #attempt(): Promise<void> {
    const id = ++this.#attemptId;
    const live = () => id === this.#attemptId;
    this.#state = "connecting";
    let url = "";
    const failed = (code: ClientErrorCode, detail: unknown, cause?: unknown) =>
      attemptError(code, url, detail, cause);
    // From the start: a URL function that never settles times out too.
    const timeout = this.#options.connectTimeout;
    this.#timer = later(() => {
      this.#abandon();
      this.#lost(failed("CONNECT_TIMEOUT", `${timeout} ms`));
    }, timeout);
    try {
      const source = this.#url;
      url = checkUrl(typeof source === "function" ? await source() : source);
      if (!live()) return;
      this.#transport = this.createTransport(
        url,
        { protocols: this.#options.protocols },
        {
          onopen: () => {
            if (!live()) return;
            clearTimeout(this.#timer);
            this.#state = "open";
            this.#openedAt = Date.now();
            // Queued messages go first: they were sent before anything onOpen sends.
            for (const payload of this.#queue.splice(0)) this.#transport?.send(payload);
            settle(this.#openWaiters);
            this.#call("onOpen");
          },
          onmessage: ({ data }, binary = typeof data !== "string") => {
            if (!live()) return;
            const message = toMessage(toPayload(data), binary);
            this.#call("onMessageFrame", message.data, message.opcode);
            if (!binary) this.#call("onMessage", message.text);
            if (this.#inbox.push(message)) {
              report(this, new ClientError("MESSAGES_DROPPED", this.#options.maxUnreadMessages));
            }
          },
          onclose: ({ code, reason, error }) => {
            if (!live()) return;
            this.#transport = undefined;
            const opened = this.#state !== "connecting";
            this.#lost(
              opened
                ? new ClientError("CLOSED_BY_SERVER", `${code} ${reason}`, undefined, {
                    code,
                    reason,
                  })
                : // The transport may know better why an attempt failed (a refused upgrade).
                  (error ?? failed("CONNECT_FAILED", code)),
              opened,
            );
          },
        },
      );
    } catch (error) {
      // A bad URL is final, and so is a WebSocket constructor that threw (the URL is known by
      // then): it refused the options (protocols, headers) and would again. A URL function
      // that threw is worth another try.
      if (live()) {
        this.#lost(
          error instanceof ClientError
            ? error
            : url
              ? new ClientError("INVALID_OPTION", error, error)
              : failed("CONNECT_FAILED", error, error),
        );
      }
    }
  }

  /** Drops the connection or attempt in flight (or the wait before one); what it reports later is ignored. */
  #abandon(): void {
    this.#attemptId++;
    clearTimeout(this.#timer);
    this.#transport?.close(1000, "");
    this.#transport = undefined;
  }

  /**
   * An attempt failed with `error`, or an open connection closed (`opened`, and `error` is
   * `CLOSED_BY_SERVER`): retry, or stop. A close the client began (close()) is never retried,
   * nor anything without reconnect, and neither is an error. A failed attempt without `info`
   * (a bad URL) is final.
   */
  #lost(error: ClientError, opened?: boolean): void {
    const { info } = error;
    const policy = this.#options.reconnect;
    // A connection that stayed up longer than the longest backoff ends a run of failures; one
    // that drops sooner (a server that closes right after every open) counts as a failed
    // attempt, so that the backoff keeps growing and maxRetries ends it.
    // (Without a policy nothing is retried: NaN keeps the count, which is not used.)
    const retries =
      opened && this.#openedAt + (policy?.maxDelay as number) < Date.now()
        ? // biome-ignore lint/suspicious/noAssignInExpressions: one expression costs the page's bundle, at its budget, 2 bytes less.
          (this.#retries = 0)
        : this.#retries;
    const quiet = opened && (this.#state === "closing" || !policy);
    // A shouldReconnect that throws means no.
    const stop = quiet
      ? undefined
      : !info || !guard(this, () => policy?.shouldReconnect(info))
        ? error
        : retries >= policy!.maxRetries
          ? new ClientError("RECONNECT_FAILED", retries, error)
          : undefined;
    if (quiet || stop) {
      this.#finish(stop, opened ? info : undefined);
      return;
    }
    if (opened) this.#call("onClose", info!.code, info!.reason, true);
    else report(this, error);
    // Wait out the backoff, then try again. The server may ask for longer: after 1008 (a rate
    // or buffer limit) the longest backoff, after 429 or 503 its `Retry-After` (which
    // transports report for those statuses only).
    const { code, retryAfter = 0 } = info!;
    const asked = Math.max(code === 1008 ? policy!.maxDelay : 0, retryAfter);
    this.#state = "reconnecting";
    this.#cuttable = !asked;
    // An attempt that failed before its timeout: that timer must not fire on the next attempt.
    clearTimeout(this.#timer);
    this.#timer = later(() => this.#attempt(), reconnectDelay(this.#retries++, policy!, asked));
  }

  /**
   * Cuts a pending backoff short and tries again now; a wait the server asked for (after 1008,
   * or `Retry-After`) is kept. The browser client calls it when the page comes back online or
   * becomes visible.
   */
  protected retryNow(): void {
    if (this.#state === "reconnecting" && this.#cuttable) {
      clearTimeout(this.#timer);
      void this.#attempt();
    }
  }

  /**
   * Called with true when the client starts connecting and false once it is closed: a platform
   * client subscribes to what should wake a pending retry (see `retryNow`) only meanwhile.
   */
  protected watch(_active: boolean): void {}

  /**
   * The client is done: drop whatever is in flight, settle every promise and end iteration.
   * `error` says why, if it failed; `closed`, how the open connection ended.
   */
  #finish(error?: ClientError, closed?: CloseInfo): void {
    this.#abandon();
    this.#state = "closed";
    this.#recovery?.reset();
    this.watch(false);
    // A failure nobody awaits (a dropped connection that could not be restored) goes to onError.
    if (error && !this.#openWaiters.length) report(this, error);
    settle(this.#openWaiters, error ?? new ClientError("CLOSED"));
    settle(this.#closeWaiters);
    const unsent = this.#queue.splice(0).length;
    if (unsent) report(this, new ClientError("QUEUE_DISCARDED", unsent));
    // Readers get undefined, which ends iteration; unread messages stay readable.
    this.#inbox.end();
    // Last, on a client already closed: onClose or onStop may start it again (reconnect()).
    if (closed) this.#call("onClose", closed.code, closed.reason, false);
    // With reconnect on, stopping with an error is stopping by itself: onStop says so and why.
    if (error && this.#options.reconnect && this.#state === "closed") this.#call("onStop", error);
  }

  // ---- sending ------------------------------------------------------------------------------

  /**
   * Sends a string as TEXT or bytes as BINARY. While (re)connecting the message is queued (up to
   * `maxQueuedMessages`, then `QUEUE_FULL` is thrown) and sent once open. Returns false when the
   * message was queued or the buffer is at `highWaterMark`: `await client.drain()` before more.
   * Throws `NOT_CONNECTED` when no connection is open or on its way.
   */
  send(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): boolean {
    const payload = toPayload(data);
    const state = this.#state;
    const transport = this.#transport;
    // readyState 1 is WebSocket.OPEN: the socket's close has not begun.
    if (state === "open" && transport?.readyState === 1) {
      transport.send(payload);
      return transport.bufferedAmount < this.#options.highWaterMark;
    }
    // While connecting or reconnecting, queue. An open socket may be closing underneath: with
    // reconnect on, the next connection sends it.
    if (!state.endsWith("connecting") && !(state === "open" && this.#options.reconnect)) {
      throw new ClientError("NOT_CONNECTED");
    }
    if (this.#queue.length >= this.#options.maxQueuedMessages) {
      throw new ClientError("QUEUE_FULL", this.#queue.length);
    }
    // The caller may reuse its buffer before the connection opens (a string's slice is itself).
    this.#queue.push(payload.slice());
    return false;
  }

  /**
   * Resolves once the connection is open with at most `lowWaterMark` bytes buffered; rejects
   * with `NOT_CONNECTED` if the client is (or becomes) closed.
   *
   * @example
   * for (const chunk of chunks) if (!client.send(chunk)) await client.drain();
   */
  async drain(): Promise<void> {
    // Browsers have no drain event, so poll (every 10 ms); only while someone waits, so idle
    // costs nothing.
    while (this.#state !== "open" || this.bufferedAmount > this.#options.lowWaterMark) {
      if (this.#state === "closed") throw new ClientError("NOT_CONNECTED");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Closes with a close frame (default 1000) and resolves once the closing handshake is done.
   * Stops reconnecting for good. Rejects with `INVALID_ARGUMENT` for a code other than 1000 or
   * 3000-4999, or a reason over 123 bytes.
   */
  async close(code = 1000, reason = ""): Promise<void> {
    reason = String(reason);
    if (!canClose(code, reason))
      throw new ClientError("INVALID_ARGUMENT", `close(${code}, reason)`);
    const state = this.#state;
    if (state === "closed") return;
    const closed = wait(this.#closeWaiters);
    if (state === "open") {
      this.#state = "closing";
      this.#transport?.close(code, reason);
    } else if (state !== "closing") {
      this.#finish();
    }
    return closed;
  }

  // ---- receiving ----------------------------------------------------------------------------

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
    if (!message) throw new ClientError("CLOSED");
    return message;
  }

  /**
   * Every message, in order, until the client closes (`break` to stop early).
   *
   * @example
   * for await (const message of client) console.log(message.text);
   */
  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (;;) {
      const message = await this.#inbox.next();
      if (!message) return;
      yield message;
    }
  }

  // ---- plumbing -----------------------------------------------------------------------------

  /** Runs a user callback; what it throws or rejects with goes to `onError`. */
  #call<K extends keyof ClientHooks>(name: K, ...args: Parameters<Required<ClientHooks>[K]>): void {
    guard(this, () => (this[name] as (...values: typeof args) => unknown)(...args));
  }
}
