import type { RequestBody } from "./body.js";
import { utf8Bytes } from "./bytes.js";
import { HttpError } from "./errors.js";
import { bodiless, responseHead } from "./response-head.js";
import type { HttpExchange, ResponseHead } from "./seam.js";
import { type SseOptions, SseStream } from "./sse.js";
import { TOKEN } from "./token.js";

const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);
/** Visible ASCII, spaces and tabs: what every engine writes the same way. */
const FIELD_VALUE = /^[\t\x20-\x7e]*$/;

/**
 * An incoming HTTP request. The body is received once, within `maxBodyBytes` and `bodyTimeoutMs`.
 *
 * @example
 * server.post("/echo", async (req, res) => res.json({ got: await req.json() }));
 */
export class HttpRequest {
  /** The request method, upper-case. */
  readonly method: string;
  /** Path and query as sent, e.g. `/users/7?full=1`. */
  readonly url: string;
  /** The path without the query, still percent-encoded. */
  readonly path: string;
  /** Values of `:name` and `*` segments of the matched route, percent-decoded. */
  params: Record<string, string> = {};
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;

  #exchange: HttpExchange;
  #body: RequestBody;
  #query?: URLSearchParams;

  /** @internal */
  constructor(exchange: HttpExchange, body: RequestBody) {
    this.#body = body;
    this.method = exchange.method;
    this.url = exchange.url;
    const q = exchange.url.indexOf("?");
    this.path = q === -1 ? exchange.url : exchange.url.slice(0, q);
    this.headers = exchange.headers;
    this.#exchange = exchange;
  }

  /** The peer's IP address (read from the engine on first use: most handlers never ask). */
  get remoteAddress(): string {
    return this.#exchange.remoteAddress;
  }

  /** The query string, parsed on first use (most routes never read it). */
  get query(): URLSearchParams {
    if (!this.#query) {
      const q = this.url.indexOf("?");
      this.#query = new URLSearchParams(q === -1 ? "" : this.url.slice(q + 1));
    }
    return this.#query;
  }

  /** A header value, or undefined. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }

  /** The whole body. Rejects with `HttpError` 413 past `maxBodyBytes`, 408 past `bodyTimeoutMs`. */
  bytes(): Promise<Uint8Array> {
    return this.#body.bytes;
  }

  /** The body as UTF-8 text. */
  async text(): Promise<string> {
    return decoder.decode(await this.bytes());
  }

  /** The body parsed as JSON. Rejects with `HttpError(400)` when it is not JSON. */
  async json<T = unknown>(): Promise<T> {
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new HttpError(400, "request body is not valid JSON");
    }
  }
}

/**
 * The response to an HTTP request: set status and headers, then send a body once
 * (`text`, `json`, `send`), stream it (`write`… `end`), or open an event stream (`sse`).
 *
 * @example
 * server.get("/ping", (_req, res) => res.text("pong"));
 */
export class HttpResponse {
  #exchange: HttpExchange;
  #status = 200;
  #headers = new Map<string, string>();
  #headOnly: boolean;
  #started = false;
  #ended = false;
  #aborted = false;
  /** Created by the first `onClose` or `writable()`: most responses never need one. */
  #closeCallbacks: (() => void)[] | undefined;
  #watchingAbort = false;
  #closeAfter = false;

  /** @internal */
  constructor(exchange: HttpExchange, headOnly: boolean) {
    this.#exchange = exchange;
    this.#headOnly = headOnly;
  }

  /**
   * @internal Starts following the client going away. Only a response still open after the
   * engine's callback (an async handler, a stream) needs it, so most requests never pay for a
   * listener. Registered once: engines keep one listener per registration, and a long stream
   * awaits `writable()` many times.
   */
  watchAbort(): void {
    if (this.#watchingAbort || this.finished) return;
    this.#watchingAbort = true;
    this.#exchange.onAbort(() => {
      if (this.#ended) return;
      this.#aborted = true;
      this.#runCloseCallbacks();
    });
  }

  /** @internal The connection closes after this response (core's decision after a refusal). */
  closeConnection(): void {
    this.#closeAfter = true;
  }

  /** True once the status line has gone out (headers can no longer change). */
  get headersSent(): boolean {
    return this.#started;
  }

  /** True once the response is complete or the client went away. */
  get finished(): boolean {
    return this.#ended || this.#aborted;
  }

  /** True when the client went away before the response was complete. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The status code that is (or will be) sent. */
  get statusCode(): number {
    return this.#status;
  }

  /** Sets the status code: 200 to 599 (a 1xx is interim, never a response's final status). */
  status(code: number): this {
    if (!Number.isInteger(code) || code < 200 || code > 599) {
      throw new TypeError(`HTTP status must be an integer from 200 to 599, got ${code}`);
    }
    this.#status = code;
    return this;
  }

  /**
   * Sets a header (replacing one of the same name). The name must be a token and the value
   * visible ASCII, spaces and tabs (RFC 9110 5.1, 5.5), or it throws: engines otherwise differ
   * (one fails the response and leaves the connection hanging, another writes the bytes raw).
   * Percent-encode anything else, e.g. `filename*=UTF-8''…` (RFC 8187).
   */
  header(name: string, value: string | number): this {
    const text = String(value);
    if (!TOKEN.test(name)) {
      throw new TypeError(`header name ${JSON.stringify(name)} is not an HTTP token`);
    }
    if (!FIELD_VALUE.test(text)) {
      throw new TypeError(
        `header ${JSON.stringify(name)} has a character a header value cannot carry (a line break, a control character or non-ASCII)`,
      );
    }
    this.#headers.set(name.toLowerCase(), text);
    return this;
  }

  /** A header set so far, or undefined. */
  getHeader(name: string): string | undefined {
    return this.#headers.get(name.toLowerCase());
  }

  /** Removes a header set so far. */
  removeHeader(name: string): this {
    this.#headers.delete(name.toLowerCase());
    return this;
  }

  /** Sends text (`text/plain; charset=utf-8` unless a content type is set). */
  text(body: string, status?: number): void {
    this.#defaultType("text/plain; charset=utf-8");
    this.#finish(utf8Bytes(body), status);
  }

  /** Sends a value as JSON. */
  json(value: unknown, status?: number): void {
    this.#defaultType("application/json; charset=utf-8");
    this.#finish(utf8Bytes(JSON.stringify(value)), status);
  }

  /** Sends bytes (`application/octet-stream` unless a content type is set) or a string. */
  send(body: Uint8Array | string = "", status?: number): void {
    if (typeof body === "string") {
      this.text(body, status);
      return;
    }
    this.#defaultType("application/octet-stream");
    this.#finish(body, status);
  }

  /**
   * Streams a chunk; returns false when the client is slow (await `writable()` then). Set
   * `content-length` first to stream a body of known size; otherwise it is sent chunked.
   */
  write(chunk: Uint8Array | string): boolean {
    this.#startStream();
    if (this.finished) return false;
    if (this.#headOnly || bodiless(this.#status)) return true;
    return this.#exchange.write(typeof chunk === "string" ? utf8Bytes(chunk) : chunk);
  }

  /** Resolves when a stream may be written again (or the client is gone). */
  writable(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return new Promise((resolve) => {
      this.#exchange.onWritable(resolve);
      this.#addCloseCallback(resolve);
    });
  }

  /**
   * Ends a streamed response, or sends an empty one. A HEAD answer keeps a `content-length` set
   * beforehand, so it can describe the body a GET would get.
   */
  end(chunk?: Uint8Array | string): void {
    if (this.finished) return;
    if (!this.#started) {
      const describesBody =
        this.#headOnly && chunk === undefined && this.#headers.has("content-length");
      if (!describesBody) {
        this.send(chunk ?? new Uint8Array(0));
        return;
      }
      this.#startStream();
    }
    this.#ended = true;
    const last =
      chunk === undefined ? undefined : typeof chunk === "string" ? utf8Bytes(chunk) : chunk;
    this.#exchange.end(this.#headOnly || bodiless(this.#status) ? undefined : last);
  }

  /** Runs `callback` once if the client goes away before the response is complete. */
  onClose(callback: () => void): void {
    if (this.#aborted) callback();
    else if (!this.#ended) this.#addCloseCallback(callback);
  }

  /**
   * Drops the connection, e.g. when a stream fails half-way and the only honest signal left is
   * to cut it rather than end it cleanly.
   */
  destroy(): void {
    if (this.finished) return;
    this.#aborted = true;
    this.#exchange.destroy();
    this.#runCloseCallbacks();
  }

  /**
   * Starts a Server-Sent Events stream on this response.
   *
   * @example
   * server.get("/events", (_req, res) => {
   *   const stream = res.sse({ keepAliveMs: 15_000 });
   *   stream.send({ event: "tick", data: { n: 1 } });
   *   stream.onClose(() => console.log("client left"));
   * });
   */
  sse(options?: SseOptions): SseStream {
    return new SseStream(this, options);
  }

  /** Registers a callback for the client going away, and starts following that. */
  #addCloseCallback(callback: () => void): void {
    this.watchAbort();
    this.#closeCallbacks ??= [];
    this.#closeCallbacks.push(callback);
  }

  #runCloseCallbacks(): void {
    const callbacks = this.#closeCallbacks;
    this.#closeCallbacks = undefined;
    for (const callback of callbacks ?? []) callback();
  }

  #defaultType(type: string): void {
    if (!this.#headers.has("content-type")) this.#headers.set("content-type", type);
  }

  #finish(body: Uint8Array, status: number | undefined): void {
    if (status !== undefined) this.status(status);
    if (this.#started) throw new Error("response already started; use write()/end() to stream");
    if (this.finished) return;
    if (bodiless(this.#status)) {
      this.#headers.delete("content-type");
      body = EMPTY;
    }
    this.#started = true;
    this.#ended = true;
    const head = this.#head(body.byteLength);
    this.#exchange.respond(head, head.body ? body : EMPTY);
  }

  /** Sends the head of a streamed body: its length only when the handler declared one. */
  #startStream(): void {
    if (this.#started || this.finished) return;
    this.#started = true;
    const declared = this.#headers.get("content-length");
    const length = declared === undefined ? undefined : Number(declared);
    this.#exchange.writeHead(this.#head(Number.isSafeInteger(length) ? length : undefined));
  }

  #head(length: number | undefined): ResponseHead {
    return responseHead(this.#status, this.#headers, length, this.#headOnly, this.#closeAfter);
  }
}
