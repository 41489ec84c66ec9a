import type { HttpRequest, HttpResponse } from "uWebSockets.js";

/** What core needs of a request, copied out: uWS requests are only valid synchronously. */
export interface CopiedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  remoteAddress: string;
}

/** Where `collectHeader` writes: one callback for every request instead of a closure each. */
let collecting: Record<string, string> = {};
const collectHeader = (name: string, value: string) => {
  collecting[name] =
    name in collecting ? `${collecting[name]}${name === "cookie" ? "; " : ", "}${value}` : value;
};

/** The request's headers: lower-case names, repeats joined with ", " (cookies with "; ", as node:http does). */
export function copyHeaders(req: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  collecting = headers;
  req.forEach(collectHeader);
  return headers;
}

/** The method, upper-case; the common ones as constants rather than a new string each. */
export function requestMethod(req: HttpRequest): string {
  const method = req.getCaseSensitiveMethod();
  return UPPER_CASE_METHODS[method] ?? method.toUpperCase();
}

const UPPER_CASE_METHODS: Record<string, string> = Object.assign(Object.create(null), {
  GET: "GET",
  HEAD: "HEAD",
  POST: "POST",
  PUT: "PUT",
  DELETE: "DELETE",
  PATCH: "PATCH",
  OPTIONS: "OPTIONS",
});

/** Path and query, as sent. */
export function requestUrl(req: HttpRequest): string {
  const query = req.getQuery();
  return query ? `${req.getUrl()}?${query}` : req.getUrl();
}

export function copyRequest(res: HttpResponse, req: HttpRequest): CopiedRequest {
  return {
    method: requestMethod(req),
    url: requestUrl(req),
    headers: copyHeaders(req),
    remoteAddress: addressText(res.getRemoteAddress()),
  };
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/**
 * The text of a binary peer address exactly as uWS's `getRemoteAddressAsText` writes it
 * (dotted IPv4; IPv6 as eight groups of four hex digits). Taking the address in binary and
 * formatting it only when read is cheaper: the text form costs uWS a second buffer, and most
 * requests never read it.
 */
export function addressText(binary: ArrayBuffer): string {
  const bytes = new Uint8Array(binary);
  // Connections come in runs from the same peer (a proxy, a load balancer, a busy client):
  // the last address's text is kept and handed out again.
  if (sameBytes(bytes, lastAddress)) return lastText;
  let text = "";
  if (bytes.length === 4) text = `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  else if (bytes.length === 16) {
    for (let i = 0; i < 16; i += 2) {
      text += (i === 0 ? "" : ":") + HEX[bytes[i] as number] + HEX[bytes[i + 1] as number];
    }
  }
  lastAddress = bytes;
  lastText = text;
  return text;
}

/** The text of a peer address taken in binary, or already turned into text. */
export function addressOf(address: ArrayBuffer | string): string {
  return typeof address === "string" ? address : addressText(address);
}

/** The address `addressText` formatted last (uWS hands out a fresh buffer each time), and its text. */
let lastAddress = new Uint8Array(0);
let lastText = "";

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
