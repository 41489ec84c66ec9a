import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpExchange } from "@switchboard/core";

/** node:http's headers as core expects them: lower-case names, repeated values joined. */
export function requestHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/** Wraps one node:http request/response pair. */
export function httpExchange(req: IncomingMessage, res: ServerResponse): HttpExchange {
  // An aborted upload emits "error" on the request; without a listener it would crash the process.
  req.on("error", () => {});
  return {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers: requestHeaders(req),
    remoteAddress: req.socket.remoteAddress ?? "",
    readBody(sink) {
      req.on("data", (chunk: Buffer) => sink.data(chunk));
      req.on("end", () => sink.end());
    },
    writeHead(status, headers) {
      res.writeHead(status, headers.flat());
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
  };
}
