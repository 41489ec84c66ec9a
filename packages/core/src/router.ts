/** HTTP methods a route can be registered for; `ANY` matches every method. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;
/** A method a route can be registered for. */
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The result of looking a path up. */
export type RouteMatch<H> =
  | { kind: "found"; handler: H; params: Record<string, string> }
  | { kind: "method-not-allowed"; allow: string[] }
  | { kind: "not-found" };

interface Node<H> {
  statics: Map<string, Node<H>>;
  param?: { name: string; node: Node<H> };
  wildcard?: { name: string; handlers: Map<string, H> };
  handlers: Map<string, H>;
}

const newNode = <H>(): Node<H> => ({ statics: new Map(), handlers: new Map() });

/**
 * A segment trie with a predictable precedence: at every segment a static match wins over a
 * `:param`, which wins over a trailing `*` wildcard. `HEAD` falls back to the `GET` route.
 */
export class Router<H> {
  #root: Node<H> = newNode();
  /** Routes without `:params` or `*` by their path: most requests are found in one lookup. */
  #exact = new Map<string, Map<string, H>>();

  /** Registers `handler` for `method` (or "ANY") at `pattern`, e.g. `/users/:id` or `/files/*`. */
  add(method: HttpMethod | "ANY", pattern: string, handler: H): void {
    if (!pattern.startsWith("/"))
      throw new TypeError(`route pattern must start with "/": ${pattern}`);
    let node = this.#root;
    const segments = splitPath(pattern);
    for (const [index, segment] of segments.entries()) {
      if (segment.startsWith("*")) {
        if (index !== segments.length - 1)
          throw new TypeError(`"*" must be the last segment: ${pattern}`);
        node.wildcard ??= { name: segment.slice(1) || "*", handlers: new Map() };
        setOnce(node.wildcard.handlers, method, handler, pattern);
        return;
      }
      if (segment.startsWith(":")) {
        const name = segment.slice(1);
        if (!name) throw new TypeError(`parameter without a name: ${pattern}`);
        if (node.param && node.param.name !== name) {
          throw new TypeError(
            `${pattern}: ":${name}" conflicts with ":${node.param.name}" at the same place`,
          );
        }
        node.param ??= { name, node: newNode() };
        node = node.param.node;
        continue;
      }
      let next = node.statics.get(segment);
      if (!next) {
        next = newNode();
        node.statics.set(segment, next);
      }
      node = next;
    }
    setOnce(node.handlers, method, handler, pattern);
    if (!segments.some((segment) => segment.startsWith(":")))
      this.#exact.set(pattern, node.handlers);
  }

  /** Finds the handler for a method and an already-decoded list of path segments. */
  match(method: string, path: string): RouteMatch<H> {
    const params: Record<string, string> = {};
    // Statics win at every segment, so an all-static route for the path is what the trie would
    // find too; a path with percent-encoding is decoded on the way through the trie instead.
    const found =
      (path.includes("%") ? undefined : this.#exact.get(path)) ??
      find(this.#root, splitPath(path).map(decodeSegment), 0, params);
    if (!found) return { kind: "not-found" };
    const handler = pick(found, method);
    if (handler) return { kind: "found", handler, params };
    return { kind: "method-not-allowed", allow: allowed(found) };
  }
}

function setOnce<H>(map: Map<string, H>, method: string, handler: H, pattern: string): void {
  if (map.has(method)) throw new TypeError(`${method} ${pattern} is already registered`);
  map.set(method, handler);
}

function pick<H>(handlers: Map<string, H>, method: string): H | undefined {
  return (
    handlers.get(method) ??
    (method === "HEAD" ? handlers.get("GET") : undefined) ??
    handlers.get("ANY")
  );
}

function allowed<H>(handlers: Map<string, H>): string[] {
  const methods = new Set(handlers.keys());
  if (methods.has("GET")) methods.add("HEAD");
  return HTTP_METHODS.filter((method) => methods.has(method));
}

function find<H>(
  node: Node<H>,
  segments: string[],
  index: number,
  params: Record<string, string>,
): Map<string, H> | undefined {
  if (index === segments.length) {
    if (node.handlers.size > 0) return node.handlers;
    if (node.wildcard) {
      params[node.wildcard.name] = "";
      return node.wildcard.handlers;
    }
    return undefined;
  }
  const segment = segments[index] as string;
  const exact = node.statics.get(segment);
  if (exact) {
    const found = find(exact, segments, index + 1, params);
    if (found) return found;
  }
  if (node.param && segment !== "") {
    const found = find(node.param.node, segments, index + 1, params);
    if (found) {
      params[node.param.name] = segment;
      return found;
    }
  }
  if (node.wildcard) {
    params[node.wildcard.name] = segments.slice(index).join("/");
    return node.wildcard.handlers;
  }
  return undefined;
}

function splitPath(path: string): string[] {
  return path === "/" ? [] : path.slice(1).split("/");
}

/** Thrown for a path segment that is not valid percent-encoding; the server answers 400. */
export class MalformedPathError extends Error {}

function decodeSegment(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new MalformedPathError(`malformed percent-encoding in path segment "${segment}"`);
  }
}
