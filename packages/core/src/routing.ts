import { HttpError } from "./errors.js";
import type { HttpRequest, HttpResponse } from "./http.js";
import { MalformedPathError, type Router } from "./router.js";
import { isThenable } from "./thenable.js";

/** What a route handler may return instead of calling `res`: text, bytes or a JSON value. */
// biome-ignore lint/suspicious/noConfusingVoidType: `void` lets `(req, res) => { res.text("x"); }` be a handler.
export type RouteResult = string | Uint8Array | object | number | boolean | null | undefined | void;

/**
 * Handles one HTTP request. Respond through `res`, or return a body (string → text,
 * Uint8Array → bytes, anything else → JSON). Throw `HttpError` for an error status.
 */
export type RouteHandler = (
  req: HttpRequest,
  res: HttpResponse,
) => RouteResult | Promise<RouteResult>;

/**
 * Runs before routing, for every request (including ones no route matches). Call `next()` to go
 * on to the route; respond without calling it to answer the request yourself.
 *
 * @example
 * server.use(async (req, res, next) => {
 *   res.header("x-request-path", req.path);
 *   await next();
 * });
 */
export type Middleware = (
  req: HttpRequest,
  res: HttpResponse,
  next: () => Promise<void>,
) => unknown | Promise<unknown>;

/**
 * Answers a failed request. `error.status` is the status to send: 404 and 405 from routing, 400,
 * 408, 413, 431 from request checks, the status of a thrown `HttpError`, or 500 for anything else
 * (then `error.cause` is what was thrown, and `error.message` is safe to show). Respond through
 * `res` or return a body, which is sent with `error.status`.
 *
 * @example
 * server.errorHandler((error, req) => ({ error: error.message, status: error.status, path: req.path }));
 */
export type HttpErrorHandler = (
  error: HttpError,
  req: HttpRequest,
  res: HttpResponse,
) => RouteResult | Promise<RouteResult>;

/** What the server hands the dispatcher: its routes and HTTP callbacks. */
export interface HttpPipeline {
  readonly router: Router<RouteHandler>;
  readonly middleware: readonly Middleware[];
  readonly notFound?: RouteHandler;
  readonly errorHandler?: HttpErrorHandler;
  /** Reports a server-side failure (a 5xx or a failing error handler). */
  report(error: unknown, req: HttpRequest): void;
}

/** Statuses after which the rest of the request is not read, so the connection cannot be reused. */
const CLOSES_CONNECTION = new Set([408, 413, 431]);

/** One request on its way through middleware, routing and the handler; answered exactly once. */
export class HttpCall {
  readonly #pipeline: HttpPipeline;
  readonly #req: HttpRequest;
  readonly #res: HttpResponse;
  #failing = false;

  constructor(pipeline: HttpPipeline, req: HttpRequest, res: HttpResponse) {
    this.#pipeline = pipeline;
    this.#req = req;
    this.#res = res;
  }

  /**
   * Runs middleware and the route; every failure becomes an error response. Without middleware
   * and with a synchronous handler it completes inline and returns nothing: no promise at all.
   */
  run(): Promise<void> | undefined {
    if (this.#pipeline.middleware.length > 0) return this.#runMiddleware();
    try {
      return this.#route()?.catch((error: unknown) => this.fail(error));
    } catch (error) {
      return this.fail(error);
    }
  }

  async #runMiddleware(): Promise<void> {
    try {
      await this.#middleware(0);
      const res = this.#res;
      if (!res.headersSent && !res.finished && !this.#failing) {
        throw new Error(
          `${this.#req.method} ${this.#req.path}: a middleware neither responded nor called next()`,
        );
      }
    } catch (error) {
      await this.fail(error);
    }
  }

  /**
   * Answers with an error, once: a body that fails while the handler is still running is
   * answered here, and the handler's own failure from it is then ignored.
   */
  async fail(error: unknown): Promise<void> {
    const res = this.#res;
    const httpError = toHttpError(error);
    if (httpError.status >= 500) this.#pipeline.report(error, this.#req);
    if (this.#failing || res.finished) return;
    this.#failing = true;
    if (res.headersSent) return res.destroy();
    if (CLOSES_CONNECTION.has(httpError.status)) res.closeConnection();
    const handler = this.#pipeline.errorHandler;
    if (handler) {
      try {
        const result = await handler(httpError, this.#req, res);
        if (res.headersSent || res.finished) return;
        if (result !== undefined) return sendResult(res.status(httpError.status), result);
      } catch (secondary) {
        this.#pipeline.report(secondary, this.#req);
        if (res.finished) return;
        if (res.headersSent) return res.destroy();
      }
    }
    res.text(httpError.message, httpError.status);
  }

  async #middleware(index: number): Promise<void> {
    const middleware = this.#pipeline.middleware[index];
    if (!middleware) return this.#route();
    let called = false;
    await middleware(this.#req, this.#res, () => {
      if (called) return Promise.reject(new Error("next() called twice"));
      called = true;
      return this.#middleware(index + 1);
    });
  }

  /** Finds and runs the handler; a promise only when the handler is async. */
  #route(): Promise<void> | undefined {
    const { router, notFound } = this.#pipeline;
    const req = this.#req;
    const res = this.#res;
    if (res.finished || res.headersSent) return undefined;
    const match = router.match(req.method, req.path);
    let handler: RouteHandler;
    if (match.kind === "found") {
      req.params = match.params;
      handler = match.handler;
    } else if (match.kind === "method-not-allowed") {
      res.header("allow", match.allow.join(", "));
      throw new HttpError(405, "method not allowed");
    } else if (notFound) {
      handler = notFound;
    } else {
      throw new HttpError(404, "not found");
    }
    const result = handler(req, res);
    // Only wait when the handler is async: a synchronous answer goes out in the engine's own
    // callback instead of a microtask later (uWS then writes it without an extra cork).
    if (isThenable<RouteResult>(result)) return this.#respondLater(result);
    this.#respond(result);
    return undefined;
  }

  async #respondLater(result: PromiseLike<RouteResult>): Promise<void> {
    this.#respond(await result);
  }

  #respond(result: RouteResult): void {
    const res = this.#res;
    if (res.headersSent || res.finished) return;
    if (result === undefined) {
      const req = this.#req;
      throw new Error(`${req.method} ${req.path}: the handler finished without responding`);
    }
    sendResult(res, result);
  }
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof MalformedPathError) return new HttpError(400, error.message);
  // Never show an unexpected error's message to the client: it may hold internals.
  return new HttpError(500, "internal server error", { cause: error });
}

function sendResult(res: HttpResponse, result: RouteResult): void {
  if (typeof result === "string") res.text(result);
  else if (result instanceof Uint8Array) res.send(result);
  else res.json(result);
}
