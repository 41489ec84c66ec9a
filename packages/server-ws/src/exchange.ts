import type { IncomingMessage, ServerResponse } from "node:http";
import type { BodySink, HttpExchange, ResponseHead } from "@switchboard/core/backend";

/**
 * node:http's headers as core expects them: lower-case names, repeated values joined. node joins
 * repeats itself except for a few (set-cookie) it keeps as arrays: only those need a copy.
 */
export function requestHeaders(req: IncomingMessage): Record<string, string> {
  const source = req.headers;
  for (const name in source) {
    if (typeof source[name] !== "string") return joinedHeaders(source);
  }
  return source as Record<string, string>;
}

function joinedHeaders(source: IncomingMessage["headers"]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/**
 * Bodies up to this size go out as latin1 text, which node:http sends in one write together with
 * the head; a buffer body makes it a second chunk and a `writev` for every small response.
 * latin1 maps every byte to one character and back, so the bytes on the wire are the same.
 */
const JOINED_BODY_BYTES = 1024;

/**
 * Wraps one node:http request/response pair. A class rather than an object of closures: a
 * request costs one object.
 */
class WsExchange implements HttpExchange {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** node caches it per connection: cheap after a keep-alive connection's first request. */
  readonly remoteAddress: string;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.#req = req;
    this.#res = res;
    this.method = req.method ?? "GET";
    this.url = req.url ?? "/";
    this.headers = requestHeaders(req);
    this.remoteAddress = req.socket.remoteAddress ?? "";
  }

  readBody(sink: BodySink): void {
    // No "error" listener: node emits an aborted upload's error only to listeners it has, and
    // core learns of the abort from the response's "close".
    const req = this.#req;
    req.on("data", (chunk: Buffer) => sink.data(chunk));
    req.on("end", () => sink.end());
  }

  respond(head: ResponseHead, body: Uint8Array): void {
    const res = this.#res;
    res.writeHead(head.status, headerList(head));
    if (!head.body) res.end();
    else if (body.byteLength <= JOINED_BODY_BYTES) res.end(latin1(body), "latin1");
    else res.end(body);
  }

  writeHead(head: ResponseHead): void {
    this.#res.writeHead(head.status, headerList(head));
  }

  write(chunk: Uint8Array): boolean {
    return this.#res.write(chunk);
  }

  end(chunk?: Uint8Array): void {
    this.#res.end(chunk);
  }

  onWritable(callback: () => void): void {
    this.#res.once("drain", callback);
  }

  onAbort(callback: () => void): void {
    const res = this.#res;
    res.once("close", () => {
      if (!res.writableFinished) callback();
    });
  }

  destroy(): void {
    this.#req.socket.destroy();
  }

  handlerReturned(): void {}
}

/** Wraps one node:http request/response pair. */
export function httpExchange(req: IncomingMessage, res: ServerResponse): HttpExchange {
  return new WsExchange(req, res);
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/**
 * Core's head as node:http takes it: a flat name/value list, with the length and the close
 * decision as the headers node acts on (node frames a body of unknown length chunked, and
 * leaves a HEAD answer's body out by itself).
 */
export function headerList(head: ResponseHead): string[] {
  const list = head.headers.flat();
  if (head.length !== undefined) list.push("content-length", String(head.length));
  if (head.close) list.push("connection", "close");
  return list;
}
