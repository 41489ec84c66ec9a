import type { BodySink, EngineLimits, HttpExchange } from "@switchboard/core";
import { reasonPhrase } from "@switchboard/core";
import type { HttpResponse } from "uWebSockets.js";
import type { CopiedRequest } from "./request.js";

/** One exchange, and what the uWS handler must call once core has returned. */
export interface UwsExchange {
  exchange: HttpExchange;
  /** Call when the uWS handler is about to return: an unfinished response then needs `onAborted`. */
  handlerReturned(): void;
}

/**
 * Wraps one uWS request/response. uWS rules it keeps: the body must be subscribed to in the
 * handler itself (so it is buffered until core asks), a response not finished when the handler
 * returns must have `onAborted`, nothing may touch `res` after an abort, and writes outside the
 * handler must be corked.
 */
export function httpExchange(res: HttpResponse, request: CopiedRequest, limits: EngineLimits): UwsExchange {
  let aborted = false;
  let finished = false;
  // Inside the handler uWS has corked the response already, and it cannot be aborted yet.
  let inHandler = true;
  const abortCallbacks: (() => void)[] = [];
  let watchingAbort = false;
  const watchAbort = () => {
    if (watchingAbort) return;
    watchingAbort = true;
    res.onAborted(() => {
      aborted = true;
      for (const callback of abortCallbacks.splice(0)) callback();
    });
  };
  // uWS does not count endWithoutBody (HEAD) as responding when the handler returns.
  if (request.method === "HEAD") watchAbort();
  let head: { status: number; headers: ReadonlyArray<readonly [string, string]> } | undefined;
  const closeAfter = () => head?.headers.some(([n, v]) => n === "connection" && v === "close") ?? false;
  const corked = (write: () => void) => {
    if (inHandler) write();
    else res.cork(write);
  };

  // Buffer the body until core reads it; stop storing once it is over the limit (core answers 413).
  // A request that declares no body (most GETs) has none to subscribe to.
  const hasBody = request.headers["transfer-encoding"] !== undefined || Number(request.headers["content-length"] ?? 0) > 0;
  const body = { chunks: [] as Uint8Array[], size: 0, done: !hasBody, sink: undefined as BodySink | undefined };
  if (hasBody) res.onData((chunk, isLast) => {
    const copy = new Uint8Array(chunk.slice(0));
    if (body.sink) body.sink.data(copy);
    else if (body.size <= limits.maxBodyBytes) body.chunks.push(copy);
    body.size += copy.byteLength;
    if (!isLast) return;
    body.done = true;
    body.sink?.end();
  });

  const writeHead = () => {
    if (!head) return;
    res.writeStatus(`${head.status} ${reasonPhrase(head.status)}`);
    for (const [name, value] of head.headers) {
      // uWS writes Content-Length itself from the body it is given.
      if (name !== "content-length") res.writeHeader(name, value);
    }
    head = undefined;
  };

  const exchange: HttpExchange = {
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
    writeHead(status, headers) {
      head = { status, headers };
    },
    write(chunk) {
      if (aborted || finished) return false;
      let ok = true;
      corked(() => {
        writeHead();
        ok = res.write(chunk);
      });
      return ok;
    },
    end(chunk) {
      if (aborted || finished) return;
      finished = true;
      const contentLength = head?.headers.find(([name]) => name === "content-length")?.[1];
      const close = closeAfter();
      corked(() => {
        writeHead();
        if (request.method === "HEAD" && contentLength !== undefined) {
          res.endWithoutBody(Number(contentLength), close);
        } else {
          res.end(chunk ?? new Uint8Array(0), close);
        }
      });
    },
    onWritable(callback) {
      if (aborted) return callback();
      res.onWritable(() => {
        callback();
        return true;
      });
    },
    onAbort(callback) {
      if (aborted) callback();
      else abortCallbacks.push(callback);
    },
    destroy() {
      if (aborted || finished) return;
      if (inHandler) {
        // No onAborted is registered yet to report it: do it here.
        aborted = true;
        for (const callback of abortCallbacks.splice(0)) callback();
      }
      res.close();
    },
  };

  return {
    exchange,
    handlerReturned() {
      inHandler = false;
      if (!aborted && !finished) watchAbort();
    },
  };
}
