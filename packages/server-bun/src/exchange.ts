import type { BodySink, HttpExchange, ResponseHead } from "@switchboard/core/backend";
import type { BunServer } from "./engine.js";

/** What core reads of a request: Bun's `Request`, flattened once. */
export interface RequestHead {
  method: string;
  url: string;
  headers: Record<string, string>;
  remoteAddress: string;
}

/** Bun's `Headers`, which also has a native `toJSON` (not in the DOM's type). */
interface BunHeaders {
  toJSON(): Record<string, string | string[]>;
}

/**
 * Lower-case names, repeats joined with ", ". Bun's `toJSON` does both in native code, about
 * twice as fast as `forEach` with a callback, and keeps a header named `__proto__` as the
 * header it is; only `set-cookie` it leaves as a list.
 */
export function requestHead(request: Request, server: BunServer): RequestHead {
  const headers = (request.headers as unknown as BunHeaders).toJSON();
  const cookies = headers["set-cookie"];
  if (cookies !== undefined) headers["set-cookie"] = (cookies as string[]).join(", ");
  const href = request.url;
  // `request.url` is absolute: keep path and query, as the other engines report them.
  const path = href.indexOf("/", href.indexOf("//") + 2);
  return {
    method: request.method,
    url: path === -1 ? "/" : href.slice(path),
    headers: headers as Record<string, string>,
    remoteAddress: server.requestIP(request)?.address ?? "",
  };
}

/** Core's head as a `Response` takes it: the length and the close decision as headers. */
export function responseInit(head: ResponseHead): ResponseInit {
  const headers = head.headers as [string, string][];
  const extra: [string, string][] = [];
  if (head.length !== undefined) extra.push(["content-length", String(head.length)]);
  if (head.close) extra.push(["connection", "close"]);
  return { status: head.status, headers: extra.length > 0 ? [...headers, ...extra] : headers };
}

/** How much a streamed response may queue before `write` asks the caller to wait. */
const STREAM_HIGH_WATER_MARK = 64 * 1024;

/**
 * One fetch-style exchange: core's push-style calls (`writeHead`, `write`, `end`) become the
 * `Response` Bun's `fetch` handler resolves to. A body sent whole becomes the response body; a
 * streamed one a `ReadableStream` whose `pull` is core's `onWritable`.
 */
export class BunExchange implements HttpExchange {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string;
  readonly #request: Request;
  readonly #server: BunServer;
  #head: ResponseHead | undefined;
  #settle: ((response: Response) => void) | undefined;
  /** The response, once core decided it inside the handler (most requests). */
  #response: Response | undefined;
  #stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  #writable: (() => void)[] = [];
  #done = false;
  /** The connection's idle timeout, in seconds, and whether `handlerReturned` suspended it. */
  readonly #idleSeconds: number;
  #suspended = false;

  constructor(request: Request, head: RequestHead, server: BunServer, idleSeconds: number) {
    this.#request = request;
    this.#server = server;
    this.#idleSeconds = idleSeconds;
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.remoteAddress = head.remoteAddress;
  }

  /** What `fetch` returns: the response at once when it is decided, else a promise of it. */
  reply(): Response | Promise<Response> {
    if (this.#response) return this.#response;
    return new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  readBody(sink: BodySink): void {
    const body = this.#request.body;
    if (!body) {
      sink.end();
      return;
    }
    const reader = body.getReader();
    const pump = (): Promise<void> =>
      reader.read().then(({ done, value }) => {
        if (done) return sink.end();
        sink.data(value);
        return pump();
      });
    // A client that goes away mid-upload fails the read; core learns it through `onAbort`.
    pump().catch(() => {});
  }

  respond(head: ResponseHead, body: Uint8Array): void {
    if (this.#done) return;
    this.#done = true;
    this.#respond(new Response(head.body ? body : null, responseInit(head)));
    this.#resumeIdleTimeout();
  }

  writeHead(head: ResponseHead): void {
    this.#head = head;
  }

  write(chunk: Uint8Array): boolean {
    if (this.#done) return false;
    const stream = this.#stream ?? this.#startStream();
    stream.enqueue(chunk);
    return (stream.desiredSize ?? 0) > 0;
  }

  end(chunk?: Uint8Array): void {
    if (this.#done) return;
    this.#done = true;
    const stream = this.#stream;
    if (stream) {
      if (chunk && chunk.byteLength > 0) stream.enqueue(chunk);
      stream.close();
      this.#resumeIdleTimeout();
      return;
    }
    // Ended before any write: the head (and the chunk, if any) is the whole response.
    const head = this.#head as ResponseHead;
    const body = head.body ? (chunk ?? null) : null;
    this.#respond(new Response(body, responseInit(head)));
    this.#resumeIdleTimeout();
  }

  handlerReturned(): void {
    // A response still pending outlives the handler: Bun's idle timer must not cut it.
    if (!this.#response) {
      this.#server.timeout(this.#request, 0);
      this.#suspended = true;
    }
  }

  /**
   * The response is complete: the connection's idle timeout applies again. Bun keeps a timeout
   * set per request for the whole connection, so a keep-alive connection that once waited for
   * an async handler was never timed out again.
   */
  #resumeIdleTimeout(): void {
    if (!this.#suspended) return;
    this.#suspended = false;
    this.#server.timeout(this.#request, this.#idleSeconds);
  }

  onWritable(callback: () => void): void {
    if (this.#done) callback();
    else this.#writable.push(callback);
  }

  onAbort(callback: () => void): void {
    const signal = this.#request.signal;
    if (signal.aborted) callback();
    else signal.addEventListener("abort", callback, { once: true });
  }

  destroy(): void {
    if (this.#done) return;
    this.#done = true;
    // Bun drops the connection when a response's body fails.
    const failure = new Error("response destroyed");
    if (this.#stream) this.#stream.error(failure);
    else this.#respond(new Response(failingBody(failure)));
  }

  #startStream(): ReadableStreamDefaultController<Uint8Array> {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c;
        },
        pull: () => {
          for (const callback of this.#writable.splice(0)) callback();
        },
      },
      { highWaterMark: STREAM_HIGH_WATER_MARK, size: (chunk) => chunk?.byteLength ?? 0 },
    );
    this.#stream = controller;
    this.#respond(new Response(body, responseInit(this.#head as ResponseHead)));
    return controller;
  }

  #respond(response: Response): void {
    if (this.#settle) this.#settle(response);
    else this.#response = response;
  }
}

function failingBody(failure: Error): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start: (controller) => controller.error(failure),
  });
}
