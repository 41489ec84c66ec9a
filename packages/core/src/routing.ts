import { HttpError } from "./errors.js";
import type { HttpRequest, HttpResponse } from "./http.js";
import { MalformedPathError, type Router } from "./router.js";

/** What a route handler may return instead of calling `res`: text, bytes or a JSON value. */
export type RouteResult = string | Uint8Array | object | number | boolean | null | undefined | void;

/**
 * Handles one HTTP request. Respond through `res`, or return a body (string → text,
 * Uint8Array → bytes, anything else → JSON). Throw `HttpError` for an error status.
 */
export type RouteHandler = (req: HttpRequest, res: HttpResponse) => RouteResult | Promise<RouteResult>;

/** Routes one request and makes sure it is answered, whatever the handler does. */
export async function dispatchHttp(
  router: Router<RouteHandler>,
  req: HttpRequest,
  res: HttpResponse,
  report: (error: unknown) => void,
): Promise<void> {
  try {
    const match = router.match(req.method, req.path);
    if (match.kind === "not-found") throw new HttpError(404, "not found");
    if (match.kind === "method-not-allowed") {
      res.header("allow", match.allow.join(", "));
      throw new HttpError(405, "method not allowed");
    }
    req.params = match.params;
    let result = match.handler(req, res);
    // Only wait when the handler is async: a synchronous answer goes out in the engine's own
    // callback instead of a microtask later (uWS then writes it without an extra cork).
    if (isThenable(result)) result = await result;
    if (res.headersSent || res.finished) return;
    if (result === undefined) {
      throw new Error(`${req.method} ${req.path}: the handler finished without responding`);
    }
    sendResult(res, result);
  } catch (error) {
    answerError(res, error, report);
  }
}

function sendResult(res: HttpResponse, result: RouteResult): void {
  if (typeof result === "string") res.text(result);
  else if (result instanceof Uint8Array) res.send(result);
  else res.json(result);
}

function answerError(res: HttpResponse, error: unknown, report: (error: unknown) => void): void {
  const status = error instanceof HttpError ? error.status : error instanceof MalformedPathError ? 400 : 500;
  if (status >= 500) report(error);
  if (res.finished) return;
  if (res.headersSent) {
    // A stream failed half-way: the only honest signal left is to cut it.
    res.end();
    return;
  }
  const message = status >= 500 ? "internal server error" : (error as Error).message;
  if (status === 413) res.header("connection", "close");
  res.text(message, status);
}

function isThenable(value: unknown): value is PromiseLike<RouteResult> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}
