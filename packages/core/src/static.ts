import { constants, type Stats } from "node:fs";
import { type FileHandle, open, realpath } from "node:fs/promises";
import { HttpError } from "./errors.js";
import type { HttpRequest, HttpResponse } from "./http.js";
import { contentTypeFor } from "./mime.js";
import { parseRange } from "./range.js";
import type { RouteHandler } from "./routing.js";
import { resolveInside, safeSegments } from "./static-path.js";

/** Options of `serveStatic()`. */
export interface StaticOptions {
  /** File served for a directory. Default "index.html"; false serves nothing for directories. */
  index?: string | false;
  /**
   * File (relative to the root) served with 200 when nothing else matches, e.g. "index.html" for
   * a single-page app. Default: none, a 404.
   */
  fallback?: string;
  /** Serve files and directories whose name starts with ".". Default false (404). */
  dotFiles?: boolean;
  /** `Cache-Control: public, max-age=N` in seconds. Default: no Cache-Control header. */
  maxAge?: number;
  /** The route parameter holding the requested file. Default "*", as in `/static/*`. */
  param?: string;
}

/** How much of a file is read and written at a time. */
const CHUNK_BYTES = 64 * 1024;

/**
 * A route handler serving files under `root`: content types by extension, `ETag` and
 * `Last-Modified` with 304 answers, single byte ranges (206, or 416 when unsatisfiable), streamed
 * with backpressure. Nothing outside `root` is ever served: traversal in any encoding, encoded
 * slashes, NUL, absolute paths and symbolic links leading out of the root all get 404.
 *
 * @example
 * server.get("/static/*", serveStatic("./public", { index: "index.html" }));
 */
export function serveStatic(root: string, options: StaticOptions = {}): RouteHandler {
  const { index = "index.html", fallback, dotFiles = false, maxAge, param = "*" } = options;
  if (maxAge !== undefined && (!Number.isSafeInteger(maxAge) || maxAge < 0)) {
    throw new TypeError(
      `serveStatic: maxAge must be a non-negative integer of seconds, got ${maxAge}`,
    );
  }
  const fallbackSegments = fallback === undefined ? undefined : fallback.split("/").filter(Boolean);
  let realRoot: Promise<string> | undefined;

  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.header("allow", "GET, HEAD");
      throw new HttpError(405, "method not allowed");
    }
    realRoot ??= realpath(root);
    const base = await realRoot;
    const requested = req.params[param] ?? decodePath(req.path);
    const segments =
      requested === undefined ? undefined : safeSegments(req.path, requested, dotFiles);
    let file = segments && (await openFile(base, segments, index));
    if (!file && fallbackSegments) file = await openFile(base, fallbackSegments, false);
    if (!file) throw new HttpError(404, "not found");
    try {
      await sendFile(req, res, file.handle, file.stats, file.path, maxAge);
    } finally {
      await file.handle.close().catch(() => {});
    }
  };
}

/** The whole path decoded, for a handler mounted on a route without a wildcard. */
function decodePath(path: string): string | undefined {
  try {
    return decodeURIComponent(path.slice(1));
  } catch {
    return undefined;
  }
}

interface OpenFile {
  path: string;
  handle: FileHandle;
  stats: Stats;
}

async function openFile(
  base: string,
  segments: readonly string[],
  index: string | false,
): Promise<OpenFile | undefined> {
  const path = await resolveInside(base, segments);
  if (!path) return undefined;
  let handle: FileHandle;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise hold a thread of libuv's small
    // pool until a writer came (four such requests stop every file read). A regular file reads
    // as usual; anything but a file or a directory is answered 404 below.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  const stats = await handle.stat();
  if (stats.isFile()) return { path, handle, stats };
  await handle.close();
  if (stats.isDirectory() && index) return openFile(base, [...segments, index], false);
  return undefined;
}

async function sendFile(
  req: HttpRequest,
  res: HttpResponse,
  handle: FileHandle,
  stats: Stats,
  path: string,
  maxAge: number | undefined,
): Promise<void> {
  const size = stats.size;
  const etag = `"${size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  res
    .header("content-type", contentTypeFor(path))
    .header("etag", etag)
    .header("last-modified", stats.mtime.toUTCString())
    .header("accept-ranges", "bytes");
  if (maxAge !== undefined) res.header("cache-control", `public, max-age=${maxAge}`);
  if (isFresh(req, etag, stats.mtimeMs)) return res.status(304).end();

  const range = rangeIfCurrent(req, etag, stats)
    ? parseRange(req.header("range"), size)
    : undefined;
  if (range === "unsatisfiable") {
    res.removeHeader("content-type").header("content-range", `bytes */${size}`);
    throw new HttpError(416, "range not satisfiable");
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  if (range) res.status(206).header("content-range", `bytes ${start}-${end}/${size}`);
  res.header("content-length", end - start + 1);
  if (req.method === "HEAD" || end < start) return res.end();

  const stream = handle.createReadStream({
    start,
    end,
    highWaterMark: CHUNK_BYTES,
    autoClose: false,
  });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (res.finished) break;
    if (!res.write(chunk)) await res.writable();
  }
  res.end();
}

/** RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since. */
function isFresh(req: HttpRequest, etag: string, mtimeMs: number): boolean {
  const noneMatch = req.header("if-none-match");
  if (noneMatch !== undefined) {
    return noneMatch
      .split(",")
      .map((tag) => tag.trim().replace(/^W\//, ""))
      .some((tag) => tag === "*" || tag === etag);
  }
  const since = Date.parse(req.header("if-modified-since") ?? "");
  // HTTP dates have whole seconds.
  return !Number.isNaN(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

/** If-Range: honour a Range only while the client's copy is still the current one. */
function rangeIfCurrent(req: HttpRequest, etag: string, stats: Stats): boolean {
  const ifRange = req.header("if-range");
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"')) return ifRange === etag;
  return Date.parse(ifRange) === Math.floor(stats.mtimeMs / 1000) * 1000;
}
