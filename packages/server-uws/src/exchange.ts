import type { HttpRequest, HttpResponse } from "uWebSockets.js";
import type { BodySink, HttpExchange, ResponseHead } from "@switchboard/core/backend";
import { copyBytes, reasonPhrase } from "@switchboard/core/backend";
import { holdUntilWritten } from "./flushing.js";
import { addressOf, requestMethod, requestUrl } from "./request.js";

/** Bodies up to this size go out with `end`: they fit a socket's buffer at once. */
const LARGE_BODY = 64 * 1024;

/** The rest of a body of known length that `tryEnd` could not write yet. */
interface SizedBody {
  total: number;
  accepted: number;
  pending?: Uint8Array;
  pendingAt: number;
}

/**
 * One uWS request/response. uWS rules it keeps: the body must be subscribed to in the handler
 * itself (core asks for it there), nothing may touch `res` after an abort or once the response
 * is complete, writes outside the handler must be corked, and `onAborted` is needed only by a
 * response still open when the handler returns.
 *
 * The request is read out of uWS in the handler, as uWS requires. The peer's address is taken
 * in binary there (uWS refuses to give it once the response is complete) and turned into text
 * only if someone reads it. A class rather than an object of closures: a request costs one
 * object, not twenty functions.
 *
 * A streamed body of known length is sent with `tryEnd` (uWS's `write` always switches to
 * chunked encoding); `tryEnd` does not keep what it could not write, so the rest is held here
 * and pushed on `onWritable`.
 */
export class UwsExchange implements HttpExchange {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly #res: HttpResponse;
  #address: ArrayBuffer | string;
  #aborted = false;
  #inHandler = true;
  #finished = false;
  #abortCallbacks: (() => void)[] | undefined;
  #writableCallbacks: (() => void)[] | undefined;
  /** The head of a streamed response, until the first write sends it. */
  #head: ResponseHead | undefined;
  #endRequested = false;
  /** Set once a body of known length is being streamed. */
  #sized: SizedBody | undefined;
  #watchingAbort = false;
  // Registered once something waits for the socket to drain: most responses never do.
  #watchingWritable = false;

  constructor(res: HttpResponse, req: HttpRequest, headers: Record<string, string>) {
    this.#res = res;
    this.method = requestMethod(req);
    this.url = requestUrl(req);
    this.headers = headers;
    this.#address = res.getRemoteAddress();
    // uWS does not count a HEAD answer as responding.
    if (this.method === "HEAD") this.#watchAbort();
  }

  get remoteAddress(): string {
    const text = addressOf(this.#address);
    this.#address = text;
    return text;
  }

  readBody(sink: BodySink): void {
    // Called inside the handler, as uWS requires; uWS neuters each chunk when its callback returns.
    this.#res.onData((chunk, isLast) => {
      sink.data(copyBytes(chunk));
      if (isLast) sink.end();
    });
  }

  respond(next: ResponseHead, body: Uint8Array): void {
    if (this.#aborted || this.#finished) return;
    if (this.#inHandler && (next.close || asksToClose(this.headers))) {
      // uWS only closes a connection when `end` runs uncorked, and the handler itself is
      // corked: answer right after it returns, or the connection (and the upload) goes on.
      // Meanwhile uWS ends a connection that sends another request, which is how one
      // pipelined behind `Connection: close` never runs (uWS would run it: RFC 9112 9.6).
      this.#inHandler = false;
      const closing = next.close ? next : { ...next, close: true };
      setImmediate(() => this.respond(closing, body));
      return;
    }
    if (next.body && !next.close && body.byteLength > LARGE_BODY) {
      this.#respondLarge(next, body);
      return;
    }
    this.#finished = true;
    if (this.#inHandler) this.#respondNow(next, body);
    else this.#res.cork(() => this.#respondNow(next, body));
  }

  /**
   * A body that may not fit the socket at once goes out through `tryEnd`, so the binding knows
   * when uWS has written all of it: a closing backend waits for that (`end` would leave the rest
   * inside uWS, out of sight, and `app.close()` would drop it).
   */
  #respondLarge(next: ResponseHead, body: Uint8Array): void {
    this.#sized = { total: body.byteLength, accepted: 0, pendingAt: 0 };
    this.#endRequested = true;
    const send = () => {
      writeHead(this.#res, next);
      this.#trySized(body);
    };
    if (this.#inHandler) send();
    else this.#res.cork(send);
    if (this.#finished) return;
    const release = holdUntilWritten();
    this.#writableCallbacks ??= [];
    this.#writableCallbacks.push(release);
    this.#abortCallbacks ??= [];
    this.#abortCallbacks.push(release);
  }

  #respondNow(next: ResponseHead, body: Uint8Array): void {
    const res = this.#res;
    writeHead(res, next);
    if (next.body) res.end(body, next.close);
    else {
      // uWS does not count endWithoutBody as responding: it still wants onAborted.
      this.#watchAbort();
      endWithoutBody(res, next.length, next.close);
    }
  }

  writeHead(next: ResponseHead): void {
    this.#head = next;
    if (next.body && next.length !== undefined)
      this.#sized = { total: next.length, accepted: 0, pendingAt: 0 };
  }

  write(chunk: Uint8Array): boolean {
    if (this.#aborted || this.#finished) return false;
    if (this.#inHandler) return this.#writeNow(chunk);
    let ok = true;
    this.#res.cork(() => {
      ok = this.#writeNow(chunk);
    });
    return ok;
  }

  #writeNow(chunk: Uint8Array): boolean {
    this.#flushHead();
    const sized = this.#sized;
    if (!sized) {
      const ok = this.#res.write(chunk);
      if (!ok) this.#watchWritable();
      return ok;
    }
    if (sized.pending) {
      // The caller wrote on without waiting for `writable()`: queue it behind the rest.
      sized.pending = concat(sized.pending, chunk);
      sized.accepted += chunk.byteLength;
      return false;
    }
    return this.#trySized(chunk);
  }

  end(chunk?: Uint8Array): void {
    if (this.#aborted || this.#finished) return;
    this.#endRequested = true;
    if (this.#inHandler) this.#endNow(chunk);
    else this.#res.cork(() => this.#endNow(chunk));
  }

  #endNow(chunk: Uint8Array | undefined): void {
    const res = this.#res;
    const head = this.#head;
    const closing = head?.close ?? false;
    const withoutBody = head !== undefined && !head.body;
    this.#flushHead();
    const sized = this.#sized;
    if (sized) {
      if (chunk && chunk.byteLength > 0) {
        if (sized.pending) sized.pending = concat(sized.pending, chunk);
        else this.#trySized(chunk);
      }
      // A body shorter than its Content-Length can only be signalled by closing.
      if (!this.#finished && !sized.pending) res.close();
      return;
    }
    this.#finished = true;
    if (!withoutBody) res.end(chunk ?? new Uint8Array(0), closing);
    else {
      this.#watchAbort();
      endWithoutBody(res, head?.length, closing);
    }
  }

  onWritable(callback: () => void): void {
    if (this.#aborted || this.#finished) {
      callback();
      return;
    }
    this.#watchWritable();
    this.#writableCallbacks ??= [];
    this.#writableCallbacks.push(callback);
  }

  onAbort(callback: () => void): void {
    if (this.#aborted) {
      callback();
      return;
    }
    this.#abortCallbacks ??= [];
    this.#abortCallbacks.push(callback);
  }

  destroy(): void {
    if (this.#aborted || this.#finished) return;
    // Inside the handler no onAborted may be registered yet to report it: do it here.
    if (!this.#watchingAbort) this.#abort();
    this.#res.close();
  }

  handlerReturned(): void {
    this.#inHandler = false;
    if (!this.#aborted && !this.#finished) this.#watchAbort();
  }

  #abort(): void {
    this.#aborted = true;
    const callbacks = this.#abortCallbacks;
    this.#abortCallbacks = undefined;
    for (const callback of callbacks ?? []) callback();
  }

  #watchAbort(): void {
    if (this.#watchingAbort) return;
    this.#watchingAbort = true;
    this.#res.onAborted(() => this.#abort());
  }

  #flushHead(): void {
    if (this.#head) writeHead(this.#res, this.#head);
    this.#head = undefined;
  }

  /** Sends what fits of a sized body; keeps the rest. False when some is left for later. */
  #trySized(chunk: Uint8Array): boolean {
    const res = this.#res;
    const state = this.#sized as SizedBody;
    const at = state.accepted;
    state.accepted += chunk.byteLength;
    const [ok, done] = res.tryEnd(chunk, state.total);
    if (done) this.#finished = true;
    if (ok || done) return true;
    state.pending = chunk.subarray(res.getWriteOffset() - at);
    state.pendingAt = res.getWriteOffset();
    this.#watchWritable();
    return false;
  }

  #flushPending(offset: number): boolean {
    const res = this.#res;
    const state = this.#sized;
    if (!state?.pending) return true;
    const rest = state.pending.subarray(offset - state.pendingAt);
    const [ok, done] = res.tryEnd(rest, state.total);
    if (done) this.#finished = true;
    if (!ok && !done) {
      state.pending = rest.subarray(res.getWriteOffset() - offset);
      state.pendingAt = res.getWriteOffset();
      return false;
    }
    state.pending = undefined;
    return true;
  }

  #watchWritable(): void {
    if (this.#watchingWritable) return;
    this.#watchingWritable = true;
    this.#res.onWritable((offset) => {
      if (!this.#flushPending(offset)) return false;
      // Ended with fewer bytes than its Content-Length: only closing can tell the client.
      if (this.#endRequested && !this.#finished) this.#res.close();
      const callbacks = this.#writableCallbacks;
      this.#writableCallbacks = undefined;
      for (const callback of callbacks ?? []) callback();
      return true;
    });
  }
}

/** The request's `Connection` header has the close option. */
function asksToClose(headers: Record<string, string>): boolean {
  const connection = headers["connection"];
  return connection !== undefined && /(?:^|,)[ \t]*close[ \t]*(?:,|$)/i.test(connection);
}

/**
 * Ends a response that has no body (HEAD, 204, 304) with the headers of ours: uWebSockets.js
 * 20.30's `endWithoutBody` writes any length it is given (an absent one as 2^63, `null` as 0)
 * and then waits for that many bytes, so the connection answers nothing more. Without
 * arguments it writes no length and completes the response.
 */
function endWithoutBody(res: HttpResponse, length: number | undefined, close: boolean): void {
  if (length !== undefined) res.writeHeader("content-length", String(length));
  // uWS closes by itself after a request that asked it to; a close the server decided is said
  // here, and a client ends the connection on it (uWS takes that decision only with a length).
  if (close) res.writeHeader("connection", "close");
  res.endWithoutBody();
}

/** Status line and headers; uWS writes Content-Length (and Connection: close) itself. */
function writeHead(res: HttpResponse, head: ResponseHead): void {
  // uWS writes "200 OK" by itself when no status is given.
  if (head.status !== 200) res.writeStatus(`${head.status} ${reasonPhrase(head.status)}`);
  const headers = head.headers;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] as readonly [string, string];
    res.writeHeader(header[0], header[1]);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
