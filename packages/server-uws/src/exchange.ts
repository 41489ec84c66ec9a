import type { HttpResponse } from "uWebSockets.js";
import type { BodySink, EngineLimits, HttpExchange } from "@switchboard/core/backend";
import { copyBytes, reasonPhrase } from "@switchboard/core/backend";
import type { CopiedRequest } from "./request.js";

type Head = { status: number; headers: ReadonlyArray<readonly [string, string]> };

/** Statuses uWS must not give a Content-Length (it writes one for every `end`). */
const bodiless = (status: number) => status < 200 || status === 204 || status === 304;

/**
 * Wraps one uWS request/response. uWS rules it keeps: the body must be subscribed to in the
 * handler itself (so it is buffered until core asks), nothing may touch `res` after an abort,
 * and writes outside the handler must be corked.
 *
 * A response with a `content-length` is streamed with `tryEnd` (uWS's `write` always switches to
 * chunked encoding, which would drop the length node:http sends); `tryEnd` does not keep what it
 * could not write, so the rest is held here and pushed on `onWritable`.
 */
export function httpExchange(
  res: HttpResponse,
  request: CopiedRequest,
  limits: EngineLimits,
): HttpExchange & { leaveHandler(): void } {
  let aborted = false;
  let inHandler = true;
  let finished = false;
  const abortCallbacks: (() => void)[] = [];
  const writableCallbacks: (() => void)[] = [];
  let head: Head | undefined;
  let status = 200;
  let length: string | undefined;
  let closeAfter = false;
  let endRequested = false;
  /** The Content-Length of a body streamed through `write`; a body sent whole goes through `end`. */
  let streamSize: number | undefined;
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
  // uWS needs onAborted only for a response still open when its handler returns, and most are
  // answered inside it: register it then (see `leaveHandler`), not for every request.
  let watchingAbort = false;
  const watchAbort = () => {
    if (watchingAbort) return;
    watchingAbort = true;
    res.onAborted(abort);
  };
  // uWS does not count a HEAD answer as responding.
  if (request.method === "HEAD") watchAbort();

  // Buffer the body until core reads it; stop storing once it is over the limit (core answers 413).
  // A request that declares no body (most GETs) has none to subscribe to.
  const hasBody =
    request.headers["transfer-encoding"] !== undefined ||
    Number(request.headers["content-length"] ?? 0) > 0;
  const body = {
    chunks: [] as Uint8Array[],
    size: 0,
    done: !hasBody,
    sink: undefined as BodySink | undefined,
  };
  if (hasBody) {
    res.onData((chunk, isLast) => {
      // uWS neuters the chunk when this callback returns.
      const copy = copyBytes(chunk);
      if (body.sink) body.sink.data(copy);
      else if (body.size <= limits.maxBodyBytes) body.chunks.push(copy);
      body.size += copy.byteLength;
      if (!isLast) return;
      body.done = true;
      body.sink?.end();
    });
  }

  /** `closing`: uWS's own `end(…, true)` will write `Connection: close`, so ours is left out. */
  const writeHead = (closing = false) => {
    if (!head) return;
    // uWS writes "200 OK" by itself when no status is given.
    if (head.status !== 200) res.writeStatus(`${head.status} ${reasonPhrase(head.status)}`);
    for (const [name, value] of head.headers) {
      // uWS writes Content-Length itself from the body it is given, and Connection when told to close.
      if (name !== "content-length" && !(closing && name === "connection"))
        res.writeHeader(name, value);
    }
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

  return {
    // Listed, not spread: an object literal with a spread and methods is built on V8's slow
    // path, which cost ~100× more than the literal itself (tens of µs per request).
    method: request.method,
    url: request.url,
    headers: request.headers,
    remoteAddress: request.remoteAddress,
    readBody(sink) {
      for (const chunk of body.chunks.splice(0)) sink.data(chunk);
      if (body.done) sink.end();
      else body.sink = sink;
    },
    writeHead(code, headers) {
      head = { status: code, headers };
      status = code;
      closeAfter = headers.some(([n, v]) => n === "connection" && v.toLowerCase() === "close");
      length = headers.find(([name]) => name === "content-length")?.[1];
      streamSize =
        length !== undefined && request.method !== "HEAD" && !bodiless(code)
          ? Number(length)
          : undefined;
    },
    write(chunk) {
      if (aborted || finished) return false;
      let ok = true;
      if (!sized && streamSize !== undefined)
        sized = { total: streamSize, accepted: 0, pendingAt: 0 };
      corked(() => {
        writeHead();
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
      if (closeAfter && inHandler) {
        // uWS only closes a connection when `end` runs uncorked, and the handler itself is
        // corked: answer right after it returns, or the connection (and the upload) goes on.
        inHandler = false;
        setImmediate(() => this.end(chunk));
        return;
      }
      endRequested = true;
      corked(() => {
        writeHead(!sized && closeAfter);
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
        const withoutBody = bodiless(status) || (request.method === "HEAD" && length !== undefined);
        if (!withoutBody) res.end(chunk ?? new Uint8Array(0), closeAfter);
        else {
          // uWS does not count endWithoutBody as responding: it still wants onAborted.
          watchAbort();
          res.endWithoutBody(bodiless(status) ? undefined : Number(length), closeAfter);
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
    leaveHandler() {
      inHandler = false;
      if (!aborted && !finished) watchAbort();
    },
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
