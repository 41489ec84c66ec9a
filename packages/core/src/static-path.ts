import { realpath } from "node:fs/promises";
import { isAbsolute, join, sep } from "node:path";

/**
 * Percent-encodings that have no business in a file URL and are the usual disguises of a
 * traversal: encoded slash and backslash, NUL, and a second layer of encoding (`%25xx`).
 */
const DISGUISED = /%(?:2f|5c|00|25[0-9a-f]{2})/i;

/**
 * Turns the requested part of a URL into path segments under a root, or undefined when it is
 * refused. `raw` is the path as sent (still percent-encoded) and `decoded` the part the route's
 * wildcard captured. Refused: disguised encodings, backslashes, NUL, `.`/`..` and empty segments,
 * absolute paths, and (unless allowed) dot files.
 */
export function safeSegments(
  raw: string,
  decoded: string,
  allowDotFiles: boolean,
): string[] | undefined {
  if (DISGUISED.test(raw) || raw.includes("\\") || raw.includes("\0")) return undefined;
  if (decoded.includes("\\") || decoded.includes("\0") || decoded.includes("%")) return undefined;
  if (decoded.startsWith("/") || isAbsolute(decoded)) return undefined;
  const segments = decoded === "" ? [] : decoded.split("/");
  // A trailing slash names a directory: its index is served.
  if (segments.at(-1) === "") segments.pop();
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === "..") return undefined;
    if (!allowDotFiles && segment.startsWith(".")) return undefined;
  }
  return segments;
}

/** True when `path` is `root` itself or inside it. */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path of `segments` under `realRoot`, or undefined when it does not exist or a
 * symbolic link leads outside the root.
 */
export async function resolveInside(
  realRoot: string,
  segments: readonly string[],
): Promise<string | undefined> {
  const joined = join(realRoot, ...segments);
  if (!isInside(realRoot, joined)) return undefined;
  let real: string;
  try {
    real = await realpath(joined);
  } catch {
    return undefined;
  }
  return isInside(realRoot, real) ? real : undefined;
}
