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
  collecting[name] = name in collecting ? `${collecting[name]}, ${value}` : value;
};

/** The request's headers: lower-case names, repeats joined with ", ". */
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
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) return "";
  let text = "";
  for (let i = 0; i < 16; i += 2) {
    text += (i === 0 ? "" : ":") + HEX[bytes[i] as number] + HEX[bytes[i + 1] as number];
  }
  return text;
}
