/** A byte range to send, both ends inclusive, as in `Content-Range`. */
export interface ByteRange {
  /** The first byte, counting from 0. */
  start: number;
  /** The last byte, inclusive. */
  end: number;
}

/**
 * Reads a `Range` header against a body of `size` bytes. Returns the range to send,
 * "unsatisfiable" (answer 416), or undefined to send the whole body — which RFC 9110 14.2 allows
 * for anything it does not understand, and which is what we do for several ranges at once.
 *
 * @example
 * parseRange("bytes=0-99", 1000);  // { start: 0, end: 99 }
 * parseRange("bytes=-100", 1000);  // { start: 900, end: 999 }
 * parseRange("bytes=2000-", 1000); // "unsatisfiable"
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | "unsatisfiable" | undefined {
  if (header === undefined) return undefined;
  const unit = /^\s*bytes\s*=(.*)$/i.exec(header);
  if (!unit) return undefined;
  const specs = (unit[1] as string).split(",");
  if (specs.length !== 1) return undefined;
  const spec = /^\s*(\d*)\s*-\s*(\d*)\s*$/.exec(specs[0] as string);
  if (!spec) return undefined;
  const [, first = "", last = ""] = spec;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    // A suffix: the last N bytes.
    const length = Number(last);
    if (length === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return undefined;
  if (start >= size) return "unsatisfiable";
  return { start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
}
