import type { HttpResponse } from "uWebSockets.js";
import type { HttpExchange, ResponseHead } from "@switchboard/core/backend";
import { copyBytes, reasonPhrase } from "@switchboard/core/backend";
import { holdUntilWritten } from "./flushing.js";
import type { CopiedRequest } from "./request.js";

/** Bodies up to this size go out with `end`: they fit a socket's buffer at once. */
const LARGE_BODY = 64 * 1024;

/**
 * Wraps one uWS request/response. uWS rules it keeps: the body must be subscribed to in the
 * handler itself (core asks for it there), nothing may touch `res` after an abort, writes outside
 * the handler must be corked, and `onAborted` is needed only by a response still open when the
 * handler returns.
 *
 * A streamed body of known length is sent with `tryEnd` (uWS's `write` always switches to
 * chunked encoding); `tryEnd` does not keep what it could not write, so the rest is held here
 * and pushed on `onWritable`.
 */
export function httpExchange(res: HttpResponse, request: CopiedRequest): HttpExchange {
  let aborted = false;
  let inHandler = true;
  let finished = false;
  const abortCallbacks: (() => void)[] = [];
  const writableCallbacks: (() => void)[] = [];
  /** The head of a streamed response, until the first write sends it. */
  let head: ResponseHead | undefined;
  let endRequested = false;
  /** Set once a body of known length is being streamed. */
  let sized:
    | { total: number; accepted: number; pending?: Uint8Array; pendingAt: number }
    | undefined;

  /** Writes outside the handler must be corked; inside it uWS has corked the response already. */
  const corked = (write: () => void) => {
    if (inHandler) write();
    else res.cork(write);
  };
  const abort = () => {
    aborted = true;
    for (const callback of abortCallbacks.splice(0)) callback();
  };
  let watchingAbort = false;
  const watchAbort = () => {
    if (watchingAbort) return;
    watchingAbort = true;
    res.onAborted(abort);
  };

  /** Status line and headers; uWS writes Content-Length (and Connection: close) itself. */
  const writeHead = (next: ResponseHead) => {
    // uWS writes "200 OK" by itself when no status is given.
    if (next.status !== 200) res.writeStatus(`${next.status} ${reasonPhrase(next.status)}`);
    for (const [name, value] of next.headers) res.writeHeader(name, value);
  };
  const flushHead = () => {
    if (head) writeHead(head);
    head = undefined;
  };

  /** Sends what fits of a sized body; keeps the rest. False when some is left for later. */
  const trySized = (chunk: Uint8Array): boolean => {
    const state = sized as NonNullable<typeof sized>;
    const at = state.accepted;
    state.accepted += chunk.byteLength;
    const [ok, done] = res.tryEnd(chunk, state.total);
    if (done) finished = true;
    if (ok || done) return true;
    state.pending = chunk.subarray(res.getWriteOffset() - at);
    state.pendingAt = res.getWriteOffset();
    watchWritable();
    return false;
  };

  const flushPending = (offset: number): boolean => {
    const state = sized;
    if (!state?.pending) return true;
    const rest = state.pending.subarray(offset - state.pendingAt);
    const [ok, done] = res.tryEnd(rest, state.total);
    if (done) finished = true;
    if (!ok && !done) {
      state.pending = rest.subarray(res.getWriteOffset() - offset);
      state.pendingAt = res.getWriteOffset();
      return false;
    }
    state.pending = undefined;
    return true;
  };

  // Registered once something waits for the socket to drain: most responses never do.
  let watchingWritable = false;
  const watchWritable = () => {
    if (watchingWritable) return;
    watchingWritable = true;
    res.onWritable((offset) => {
      if (!flushPending(offset)) return false;
      // Ended with fewer bytes than its Content-Length: only closing can tell the client.
      if (endRequested && !finished) res.close();
      for (const callback of writableCallbacks.splice(0)) callback();
      return true;
    });
  };

  /**
   * A body that may not fit the socket at once goes out through `tryEnd`, so the binding knows
   * when uWS has written all of it: a closing backend waits for that (`end` would leave the rest
   * inside uWS, out of sight, and `app.close()` would drop it).
   */
  const respondLarge = (next: ResponseHead, body: Uint8Array) => {
    sized = { total: body.byteLength, accepted: 0, pendingAt: 0 };
    endRequested = true;
    corked(() => {
      writeHead(next);
      trySized(body);
    });
    if (finished) return;
    const release = holdUntilWritten();
    writableCallbacks.push(release);
    abortCallbacks.push(release);
  };

  const exchange: HttpExchange = {
    // Listed, not spread: an object literal with a spread and methods is built on V8's slow
    // path, which cost ~100× more than the literal itself (tens of µs per request).
    method: request.method,
    url: request.url,
    headers: request.headers,
    remoteAddress: request.remoteAddress,
    readBody(sink) {
      // Called inside the handler, as uWS requires; uWS neuters each chunk when its callback returns.
      res.onData((chunk, isLast) => {
        sink.data(copyBytes(chunk));
        if (isLast) sink.end();
      });
    },
    respond(next, body) {
      if (aborted || finished) return;
      if (next.close && inHandler) {
        // uWS only closes a connection when `end` runs uncorked, and the handler itself is
        // corked: answer right after it returns, or the connection (and the upload) goes on.
        inHandler = false;
        setImmediate(() => exchange.respond(next, body));
        return;
      }
      if (next.body && !next.close && body.byteLength > LARGE_BODY) {
        respondLarge(next, body);
        return;
      }
      finished = true;
      corked(() => {
        writeHead(next);
        if (next.body) res.end(body, next.close);
        else {
          // uWS does not count endWithoutBody as responding: it still wants onAborted.
          watchAbort();
          res.endWithoutBody(next.length, next.close);
        }
      });
    },
    writeHead(next) {
      head = next;
      if (next.body && next.length !== undefined)
        sized = { total: next.length, accepted: 0, pendingAt: 0 };
    },
    write(chunk) {
      if (aborted || finished) return false;
      let ok = true;
      corked(() => {
        flushHead();
        if (!sized) {
          ok = res.write(chunk);
          if (!ok) watchWritable();
        } else if (sized.pending) {
          // The caller wrote on without waiting for `writable()`: queue it behind the rest.
          sized.pending = concat(sized.pending, chunk);
          sized.accepted += chunk.byteLength;
          ok = false;
        } else ok = trySized(chunk);
      });
      return ok;
    },
    end(chunk) {
      if (aborted || finished) return;
      const closing = head?.close ?? false;
      const withoutBody = head !== undefined && !head.body;
      const length = head?.length;
      endRequested = true;
      corked(() => {
        flushHead();
        if (sized) {
          if (chunk && chunk.byteLength > 0) {
            if (sized.pending) sized.pending = concat(sized.pending, chunk);
            else trySized(chunk);
          }
          // A body shorter than its Content-Length can only be signalled by closing.
          if (!finished && !sized.pending) res.close();
          return;
        }
        finished = true;
        if (!withoutBody) res.end(chunk ?? new Uint8Array(0), closing);
        else {
          watchAbort();
          res.endWithoutBody(length, closing);
        }
      });
    },
    onWritable(callback) {
      if (aborted || finished) return callback();
      watchWritable();
      writableCallbacks.push(callback);
    },
    onAbort(callback) {
      if (aborted) callback();
      else abortCallbacks.push(callback);
    },
    destroy() {
      if (aborted || finished) return;
      // Inside the handler no onAborted may be registered yet to report it: do it here.
      if (!watchingAbort) abort();
      res.close();
    },
    handlerReturned() {
      inHandler = false;
      if (!aborted && !finished) watchAbort();
    },
  };
  // uWS does not count a HEAD answer as responding.
  if (request.method === "HEAD") watchAbort();
  return exchange;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
