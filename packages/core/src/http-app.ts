import { type BodyLimits, RequestBody } from "./body.js";
import { HttpRequest, HttpResponse } from "./http.js";
import { headTooLarge } from "./request-head.js";
import { type HttpMethod, Router } from "./router.js";
import {
  HttpCall,
  type HttpErrorHandler,
  type HttpPipeline,
  type Middleware,
  type RouteHandler,
} from "./routing.js";
import type { HttpExchange } from "./seam.js";

/** The limits a request is received under. */
export interface RequestLimits extends BodyLimits {
  maxHeaderBytes: number;
}

/**
 * A server's HTTP application: its routes, middleware and error handlers, and what happens to
 * each request an engine hands over — the head checked, the body received within its limits,
 * and exactly one answer.
 */
export class HttpApplication {
  readonly #limits: RequestLimits;
  readonly #pipeline: Omit<HttpPipeline, "middleware" | "notFound" | "errorHandler"> & {
    middleware: Middleware[];
    notFound?: RouteHandler;
    errorHandler?: HttpErrorHandler;
  };

  constructor(limits: RequestLimits, report: (error: unknown, request: HttpRequest) => void) {
    this.#limits = limits;
    this.#pipeline = { router: new Router<RouteHandler>(), middleware: [], report };
  }

  route(method: HttpMethod | "ANY", pattern: string, handler: RouteHandler): void {
    this.#pipeline.router.add(method, pattern, handler);
  }

  /** Whether a route matches this path (and query), for any method. */
  hasRoute(url: string): boolean {
    const q = url.indexOf("?");
    try {
      return (
        this.#pipeline.router.match("GET", q === -1 ? url : url.slice(0, q)).kind !== "not-found"
      );
    } catch {
      // A malformed path is no route's: it stays with the application.
      return false;
    }
  }

  use(middleware: Middleware): void {
    this.#pipeline.middleware.push(middleware);
  }

  notFound(handler: RouteHandler): void {
    this.#pipeline.notFound = handler;
  }

  errorHandler(handler: HttpErrorHandler): void {
    this.#pipeline.errorHandler = handler;
  }

  /** An engine's request: answered now, or later by an async handler or a stream. */
  handle(exchange: HttpExchange): void {
    const response = new HttpResponse(exchange, exchange.method === "HEAD");
    // Reading starts now, so a body that is too big or too slow is refused whatever the handler does.
    const body = new RequestBody(exchange, this.#limits);
    const request = new HttpRequest(exchange, body);
    const call = new HttpCall(this.#pipeline, request, response);
    if (body.receiving) {
      exchange.onAbort(() => body.stop());
      body.onFailure((error) => this.#settled(call.fail(error), request));
    }
    const refusal = body.failure ?? headTooLarge(exchange, this.#limits.maxHeaderBytes);
    // Refused for its head or its framing: what follows on the connection cannot be trusted.
    if (refusal) response.closeConnection();
    this.#settled(refusal ? call.fail(refusal) : call.run(), request);
    // A response still open now outlives this engine callback: it must notice the client leaving.
    response.watchAbort();
    exchange.handlerReturned();
  }

  /** Reports a request's failure that even its error response could not handle. */
  #settled(pending: Promise<void> | undefined, request: HttpRequest): void {
    pending?.catch((error: unknown) => this.#pipeline.report(error, request));
  }
}
