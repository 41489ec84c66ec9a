import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpExchange, ResponseHead } from "@switchboard/core/backend";

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

/** Wraps one node:http request/response pair. */
export function httpExchange(req: IncomingMessage, res: ServerResponse): HttpExchange {
  return {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers: requestHeaders(req),
    remoteAddress: req.socket.remoteAddress ?? "",
    readBody(sink) {
      // No "error" listener: node emits an aborted upload's error only to listeners it has, and
      // core learns of the abort from the response's "close".
      req.on("data", (chunk: Buffer) => sink.data(chunk));
      req.on("end", () => sink.end());
    },
    respond(head, body) {
      res.writeHead(head.status, headerList(head));
      res.end(head.body ? body : undefined);
    },
    writeHead(head) {
      res.writeHead(head.status, headerList(head));
    },
    write(chunk) {
      return res.write(chunk);
    },
    end(chunk) {
      res.end(chunk);
    },
    onWritable(callback) {
      res.once("drain", callback);
    },
    onAbort(callback) {
      res.once("close", () => {
        if (!res.writableFinished) callback();
      });
    },
    destroy() {
      req.socket.destroy();
    },
    handlerReturned() {},
  };
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
