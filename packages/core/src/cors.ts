import type { HttpResponse } from "./http.js";
import type { Middleware } from "./routing.js";
import { TOKEN_LIST } from "./token.js";

/** Options of `cors()`. */
export interface CorsOptions {
  /** Origins allowed to read responses: a list of exact origins, or "*" for any. */
  origins: "*" | readonly string[];
  /** Methods a preflight allows. Default GET, HEAD, PUT, PATCH, POST, DELETE. */
  methods?: readonly string[];
  /** Request headers a preflight allows. Default: whatever the preflight asks for. */
  headers?: readonly string[];
  /** Response headers scripts may read besides the simple ones. Default none. */
  exposeHeaders?: readonly string[];
  /** Allow cookies and HTTP auth (`Access-Control-Allow-Credentials: true`). Default false. */
  credentials?: boolean;
  /** How long browsers may cache a preflight, in seconds. Default: not sent. */
  maxAge?: number;
}

const DEFAULT_METHODS = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"];

/**
 * Cross-origin resource sharing as a middleware for `server.use()`.
 *
 * It is a middleware rather than a route wrapper because a preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) must be answered for every path, including paths that have no
 * `OPTIONS` route and would otherwise get 405. An allowed origin gets the allow headers; any other
 * origin gets none (the browser then blocks the response), and every answer carries
 * `Vary: Origin` so caches keep them apart. Preflights are answered 204 and go no further.
 *
 * @example
 * server.use(cors({ origins: ["https://app.example"], credentials: true, maxAge: 600 }));
 */
export function cors(options: CorsOptions): Middleware {
  const { origins, credentials = false, maxAge } = options;
  if (origins !== "*" && (!Array.isArray(origins) || origins.some((o) => typeof o !== "string"))) {
    throw new TypeError('cors: origins must be "*" or an array of origin strings');
  }
  if (origins === "*" && credentials) {
    // Any origin with credentials is the misconfiguration scanners flag: every site could read
    // a signed-in user's responses. Name the origins instead.
    throw new TypeError(
      'cors: origins "*" cannot be combined with credentials: true; list the origins allowed to send credentials',
    );
  }
  if (maxAge !== undefined && (!Number.isSafeInteger(maxAge) || maxAge < 0)) {
    throw new TypeError(`cors: maxAge must be a non-negative integer of seconds, got ${maxAge}`);
  }
  const allowed = origins === "*" ? undefined : new Set(origins);
  const methods = (options.methods ?? DEFAULT_METHODS).join(", ");
  const headers = options.headers?.join(", ");
  const expose = options.exposeHeaders?.join(", ");

  return async (req, res, next) => {
    const origin = req.header("origin");
    appendVary(res, "Origin");
    const preflight =
      req.method === "OPTIONS" && req.header("access-control-request-method") !== undefined;
    const permitted = origin !== undefined && (allowed === undefined || allowed.has(origin));
    if (permitted) {
      res.header(
        "access-control-allow-origin",
        allowed === undefined && !credentials ? "*" : origin,
      );
      if (credentials) res.header("access-control-allow-credentials", "true");
    }
    if (!preflight) {
      if (permitted && expose) res.header("access-control-expose-headers", expose);
      return next();
    }
    if (permitted) {
      res.header("access-control-allow-methods", methods);
      const requested = req.header("access-control-request-headers");
      if (headers !== undefined) res.header("access-control-allow-headers", headers);
      // Echoed only if it is the list of header names it should be: a hostile one is not
      // written back (the browser then refuses the request, as it should).
      else if (requested && TOKEN_LIST.test(requested)) {
        res.header("access-control-allow-headers", requested);
        appendVary(res, "Access-Control-Request-Headers");
      }
      if (maxAge !== undefined) res.header("access-control-max-age", maxAge);
    }
    res.status(204).end();
  };
}

function appendVary(res: HttpResponse, field: string): void {
  const current = res.getHeader("vary");
  if (!current) return void res.header("vary", field);
  const fields = current.split(",").map((f) => f.trim().toLowerCase());
  if (!fields.includes(field.toLowerCase()) && !fields.includes("*"))
    res.header("vary", `${current}, ${field}`);
}
