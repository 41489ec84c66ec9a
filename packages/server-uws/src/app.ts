import type { HttpRequest, HttpResponse, TemplatedApp } from "uWebSockets.js";
import { type Backend, SwitchboardError } from "@switchboard/core";
import {
  type EngineHost,
  type EngineLimits,
  type HttpExchange,
  rejection,
} from "@switchboard/core/backend";
import { publish, serveRequest, socketBehavior, type UwsBackendOptions } from "./backend.js";
import type { Engine } from "./engine.js";
import { allWritten } from "./flushing.js";
import { copyRequest } from "./request.js";

/**
 * Options of `uwsBackend({ app })`: Switchboard on a uWebSockets.js app the application built,
 * next to the application's own routes and WebSocket handlers.
 *
 * @example
 * const app = uWS.App().get("/hello", (res) => res.end("hello"));
 * const chat = new ChatServer({ backend: uwsBackend({ app, path: "/chat" }) });
 * await chat.listen(); // opens no port: the application calls app.listen()
 * app.listen(3000, () => {});
 */
export interface UwsAppOptions extends UwsBackendOptions {
  /**
   * The application's app (`uWS.App()` or `uWS.SSLApp(...)`), listening already or not. Built
   * from the same uWebSockets.js module as `engine` (by default, the `uWebSockets.js` package).
   */
  app: UwsApp;
  /**
   * The one path Switchboard takes upgrades on (exact; no `:param` or `*`). Default: `/*`, which
   * is a `GET /*` handler to uWS: an app with its own `get("/*")` or `ws("/*")` needs a `path`,
   * as uWS ends the process when a pattern is registered twice.
   */
  path?: string;
  /**
   * Which requests Switchboard answers, of those no more specific handler of the app took.
   * `true`: those its routes match (any method). A function: those it returns true for (given
   * a copy of the request), answered in full, 404 included. Either registers `any("/*")`: an
   * app with its own `any("/*")` cannot have it (uWS ends the process on the duplicate). The
   * rest is yielded to the app's other handlers. Default false: no HTTP for Switchboard.
   */
  routes?: boolean | ((request: UwsAppRequest) => boolean);
}

/** A request as the `routes` function of `uwsBackend({ app })` sees it: copied out of uWS. */
export interface UwsAppRequest {
  /** The method, upper-case. */
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A uWebSockets.js app, typed by the little that is checked of it (at run time too) rather than
 * by one build's declarations, as `UwsEngine` is.
 */
export interface UwsApp {
  /** Registers a WebSocket behaviour on a pattern. */
  ws(...args: never[]): unknown;
  /** Registers an HTTP handler for any method on a pattern. */
  any(...args: never[]): unknown;
  /** Publishes to a topic's subscribers. */
  publish(...args: never[]): unknown;
}

const NOT_LISTENING = "the WebSocket server is not listening";

/** Tells apart the uWS topics of each backend attached to an app, and from the app's own. */
let attachedCount = 0;

/**
 * The uWS backend on the application's app. uWS cannot remove a handler once registered, so
 * they are registered on the first `listen()` and serve whichever `listen()` is current: after
 * `close()`, upgrades to Switchboard's path are answered 503 and its routes are yielded.
 */
export function appBackend(uWS: Engine, options: UwsAppOptions): Backend {
  const { path, routes } = checkOptions(options);
  // Checked by shape above; typed by the engine's declarations from here on.
  const app = options.app as unknown as TemplatedApp;
  const namespace = `switchboard:${++attachedCount}/`;
  let current: EngineHost | undefined;
  let latest: EngineHost | undefined;
  let mounted: EngineLimits | undefined;
  let deflate: number | undefined;

  // Switchboard's responses still open (event streams, slow uploads): close() ends them, as
  // closing an app of its own would.
  const open = new Set<HttpExchange>();
  const tracked = (exchange: HttpExchange): HttpExchange => {
    const done = () => open.delete(exchange);
    open.add(exchange);
    exchange.onAbort(done);
    // The exchange keeps its state in private fields: wrap its methods in place.
    const respond = exchange.respond.bind(exchange);
    const end = exchange.end.bind(exchange);
    exchange.respond = (head, body) => {
      done();
      respond(head, body);
    };
    exchange.end = (chunk) => {
      done();
      end(chunk);
    };
    return exchange;
  };

  const relay = (first: EngineHost): EngineHost => ({
    limits: first.limits,
    perMessageDeflate: first.perMessageDeflate,
    deflate: first.deflate,
    http(exchange) {
      if (current) return current.http(tracked(exchange));
      exchange.respond(...rejection(503, NOT_LISTENING));
    },
    upgrade(request, responder) {
      if (current) current.upgrade(request, responder);
      else responder.reject(...rejection(503, NOT_LISTENING));
    },
    // An upgrade core accepted completes on the server that accepted it.
    open: (socket, context, protocol) => (latest ?? first).open(socket, context, protocol),
    hasRoute: (url) => current?.hasRoute(url) ?? false,
  });

  const mount = (host: EngineHost) => {
    const engineHost = relay(host);
    app.ws(path ?? "/*", socketBehavior(uWS, engineHost, namespace));
    // Malformed upgrades to the path (and, with routes, Switchboard's requests) come here.
    if (routes || path !== undefined) {
      app.any(routes ? "/*" : (path as string), (res: HttpResponse, req: HttpRequest) => {
        if (isSwitchboards(res, req, path)) serveRequest(engineHost, res, req);
        else req.setYield(true);
      });
    }
  };

  const isSwitchboards = (res: HttpResponse, req: HttpRequest, path: string | undefined) => {
    const url = req.getUrl();
    if (req.getHeader("upgrade") !== "") return path === undefined || url === path;
    if (current === undefined || !routes) return false;
    return routes === true ? current.hasRoute(url) : picks(routes, copyRequest(res, req));
  };

  return {
    name: "uws",
    attached: true,
    async listen(host) {
      if (current) throw new Error("uws backend is already listening");
      if (mounted && mounted !== host.limits) {
        throw new SwitchboardError(
          "INVALID_OPTION",
          "this uwsBackend({ app }) serves another WebServer already: make one backend per server",
        );
      }
      if (!mounted) mount(host);
      mounted = host.limits;
      current = host;
      latest = host;
      deflate = host.deflate?.threshold;
      // A uWS app does not tell where it listens: the application has its listen socket.
      return { port: 0 };
    },
    publish(topic, data, binary, exclude) {
      publish(app, namespace, topic, data, binary, exclude, deflate);
    },
    async close() {
      const closing = current;
      current = undefined;
      for (const exchange of open) exchange.destroy();
      open.clear();
      // Responses already written leave before the application closes its app after this.
      if (closing) await allWritten(closing.limits.closeTimeoutMs);
    },
  };
}

/** The application's `routes` function decides; if it throws, the request is yielded. */
function picks(routes: (request: UwsAppRequest) => boolean, request: UwsAppRequest): boolean {
  try {
    return routes(request) === true;
  } catch (error) {
    // A throw would escape into the engine's callback and end the process.
    console.error("[switchboard] the routes option of uwsBackend() threw:", error);
    return false;
  }
}

function checkOptions(options: UwsAppOptions): UwsAppOptions {
  const { app, path, routes } = options;
  const invalid = (message: string) => new SwitchboardError("INVALID_OPTION", message);
  const candidate = app as Partial<UwsApp> | null | undefined;
  if (
    typeof candidate?.ws !== "function" ||
    typeof candidate.any !== "function" ||
    typeof candidate.publish !== "function"
  ) {
    throw invalid("uwsBackend({ app }) needs a uWebSockets.js app: uWS.App() or uWS.SSLApp()");
  }
  if (path !== undefined && (typeof path !== "string" || !/^\/[^?#*:]*$/.test(path))) {
    throw invalid(
      `uwsBackend({ path }) must be an exact path starting with "/" (no query, ":" or "*"): ${String(path)}`,
    );
  }
  if (routes !== undefined && typeof routes !== "boolean" && typeof routes !== "function") {
    throw invalid("uwsBackend({ routes }) takes true, false or a function of the request");
  }
  return options;
}
