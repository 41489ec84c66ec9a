import type { ResponseHead } from "./seam.js";

/** Statuses that never carry a body (RFC 9110 6.4.1, 15.3.5, 15.4.5). */
export const bodiless = (status: number) => status < 200 || status === 204 || status === 304;

/** Headers a binding derives from the head's values; core never passes them as strings. */
const DERIVED = new Set(["content-length", "transfer-encoding", "connection"]);

/**
 * The head of a response, decided: `length` of a body (or undefined when streamed with none
 * declared), whether body bytes follow (not for HEAD, nor 1xx/204/304), and whether the
 * connection closes (`close`, or a `connection: close` the handler set).
 */
export function responseHead(
  status: number,
  headers: ReadonlyMap<string, string>,
  length: number | undefined,
  headOnly: boolean,
  close: boolean,
): ResponseHead {
  const pairs: [string, string][] = [];
  for (const entry of headers) {
    const name = entry[0];
    if (!DERIVED.has(name)) pairs.push(entry);
    else if (name === "connection" && /\bclose\b/i.test(entry[1])) close = true;
  }
  const withoutBody = bodiless(status);
  return {
    status,
    headers: pairs,
    length: withoutBody ? undefined : length,
    body: !headOnly && !withoutBody,
    close,
  };
}

const encoder = new TextEncoder();

/**
 * A refused upgrade: plain text, its length, and the connection closed. Bindings use it only
 * when their engine fails an upgrade core accepted.
 */
export function rejection(
  status: number,
  text: string,
  headers: ReadonlyArray<readonly [string, string]> = [],
): [ResponseHead, Uint8Array] {
  const body = encoder.encode(text);
  const head: ResponseHead = {
    status,
    headers: [
      ["content-type", "text/plain; charset=utf-8"],
      ...headers.filter(([name]) => !DERIVED.has(name.toLowerCase())),
    ],
    length: body.byteLength,
    body: true,
    close: true,
  };
  return [head, body];
}
