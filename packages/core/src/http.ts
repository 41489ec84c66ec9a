import type { HttpExchange } from "./backend.js";
import { HttpError } from "./errors.js";

/**
 * UTF-8 bytes of a string. Buffer.from takes small strings from Node's 8 KiB pool; TextEncoder
 * allocates a fresh ArrayBuffer each time, which cost ~5× more for a short body.
 */
const utf8 = (text: string): Uint8Array => Buffer.from(text, "utf8");
const decoder = new TextDecoder();

/**
 * An incoming HTTP request. The body is read on demand, once, within `maxBodyBytes`.
 *
 * @example
 * server.post("/echo", async (req, res) => res.json({ got: await req.json() }));
 */
export class HttpRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/users/7?full=1`. */
  readonly url: string;
  /** The path without the query. */
  readonly path: string;
  /** Values of `:name` and `*` segments of the matched route. */
  params: Record<string, string> = {};
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;

  #exchange: HttpExchange;
  #maxBodyBytes: number;
  #body?: Promise<Uint8Array>;
  #query?: URLSearchParams;

  /** @internal */
  constructor(exchange: HttpExchange, maxBodyBytes: number) {
    this.#exchange = exchange;
    this.#maxBodyBytes = maxBodyBytes;
    this.method = exchange.method;
    this.url = exchange.url;
    const q = exchange.url.indexOf("?");
    this.path = q === -1 ? exchange.url : exchange.url.slice(0, q);
    this.headers = exchange.headers;
    this.remoteAddress = exchange.remoteAddress;
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

  /** The whole body. Rejects with `HttpError(413)` past `maxBodyBytes`. */
  bytes(): Promise<Uint8Array> {
    this.#body ??= readBody(this.#exchange, this.#maxBodyBytes);
    return this.#body;
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

function readBody(exchange: HttpExchange, limit: number): Promise<Uint8Array> {
  const declared = Number(exchange.headers["content-length"] ?? 0);
  if (declared > limit) return Promise.reject(new HttpError(413, `body over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let failed = false;
    exchange.readBody({
      data(chunk) {
        if (failed) return;
        size += chunk.byteLength;
        if (size > limit) {
          failed = true;
          reject(new HttpError(413, `body over ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      },
      end() {
        if (!failed) resolve(concat(chunks, size));
      },
    });
  });
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * The response to an HTTP request: set status and headers, then send a body once
 * (`text`, `json`, `send`) or stream it (`write`… `end`).
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

  /** @internal */
  constructor(exchange: HttpExchange, headOnly: boolean) {
    this.#exchange = exchange;
    this.#headOnly = headOnly;
    exchange.onAbort(() => {
      this.#aborted = true;
    });
  }

  /** True once the status line has gone out (headers can no longer change). */
  get headersSent(): boolean {
    return this.#started;
  }

  /** True once the response is complete or the client went away. */
  get finished(): boolean {
    return this.#ended || this.#aborted;
  }

  /** Sets the status code. */
  status(code: number): this {
    if (!Number.isInteger(code) || code < 100 || code > 599) {
      throw new TypeError(`HTTP status must be an integer from 100 to 599, got ${code}`);
    }
    this.#status = code;
    return this;
  }

  /** Sets a header (replacing one of the same name). Values must not contain CR or LF. */
  header(name: string, value: string | number): this {
    const text = String(value);
    if (/[\r\n]/.test(name) || /[\r\n]/.test(text)) {
      throw new TypeError(`header ${JSON.stringify(name)} contains a line break`);
    }
    this.#headers.set(name.toLowerCase(), text);
    return this;
  }

  /** Sends text (`text/plain; charset=utf-8` unless a content type is set). */
  text(body: string, status?: number): void {
    this.#defaultType("text/plain; charset=utf-8");
    this.#finish(utf8(body), status);
  }

  /** Sends a value as JSON. */
  json(value: unknown, status?: number): void {
    this.#defaultType("application/json; charset=utf-8");
    this.#finish(utf8(JSON.stringify(value)), status);
  }

  /** Sends bytes (`application/octet-stream` unless a content type is set) or a string. */
  send(body: Uint8Array | string = "", status?: number): void {
    if (typeof body === "string") return this.text(body, status);
    this.#defaultType("application/octet-stream");
    this.#finish(body, status);
  }

  /** Streams a chunk; returns false when the client is slow (await `writable()` then). */
  write(chunk: Uint8Array | string): boolean {
    this.#start();
    if (this.finished) return false;
    if (this.#headOnly) return true;
    return this.#exchange.write(typeof chunk === "string" ? utf8(chunk) : chunk);
  }

  /** Resolves when a stream may be written again (or the client is gone). */
  writable(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return new Promise((resolve) => {
      this.#exchange.onWritable(resolve);
      this.#exchange.onAbort(resolve);
    });
  }

  /** Ends a streamed response, or sends an empty one. */
  end(chunk?: Uint8Array | string): void {
    if (this.finished) return;
    if (!this.#started) return this.send(chunk ?? new Uint8Array(0));
    this.#ended = true;
    const last = chunk === undefined ? undefined : typeof chunk === "string" ? utf8(chunk) : chunk;
    this.#exchange.end(this.#headOnly ? undefined : last);
  }

  #defaultType(type: string): void {
    if (!this.#headers.has("content-type")) this.#headers.set("content-type", type);
  }

  #finish(body: Uint8Array, status: number | undefined): void {
    if (status !== undefined) this.status(status);
    if (this.#started) throw new Error("response already started; use write()/end() to stream");
    if (this.finished) return;
    this.#headers.set("content-length", String(body.byteLength));
    this.#start();
    this.#ended = true;
    this.#exchange.end(this.#headOnly ? undefined : body);
  }

  #start(): void {
    if (this.#started || this.finished) return;
    this.#started = true;
    this.#exchange.writeHead(this.#status, [...this.#headers]);
  }
}
