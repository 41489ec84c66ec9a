import type { UpgradeRequest } from "./seam.js";
import { TOKEN } from "./token.js";

/** Why an upgrade is refused before any user code runs. */
export interface HandshakeRefusal {
  status: number;
  headers: [string, string][];
  body: string;
}

const KEY = /^[A-Za-z0-9+/]{22}==$/;

/**
 * Whether a comma-separated header value lists `token` (case-insensitive, RFC 9110 5.6.1):
 * `Connection: keep-alive, Upgrade` does, `Connection: Upgrade-foo` does not.
 */
export function listsToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  // Every upgrade passes here twice: scan ASCII in place rather than split, trim and lower-case
  // a copy of each element. Anything else takes the general path (trim and toLowerCase know
  // all of Unicode).
  let start = 0;
  for (let i = 0; i <= value.length; i++) {
    const code = i === value.length ? COMMA : value.charCodeAt(i);
    if (code > 127) return listsTokenUnicode(value, token);
    if (code !== COMMA) continue;
    let from = start;
    let to = i;
    while (from < to && isAsciiSpace(value.charCodeAt(from))) from++;
    while (to > from && isAsciiSpace(value.charCodeAt(to - 1))) to--;
    if (to - from === token.length && equalsLowerCase(value, from, token)) return true;
    start = i + 1;
  }
  return false;
}

const COMMA = 44;

/** The ASCII characters `String.prototype.trim` removes: tab, LF, VT, FF, CR, space. */
function isAsciiSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** Whether `value` from `at` is `lower` (lower-case ASCII) but for the case of its letters. */
function equalsLowerCase(value: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let code = value.charCodeAt(at + i);
    if (code >= 65 && code <= 90) code += 32;
    if (code !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function listsTokenUnicode(value: string, token: string): boolean {
  for (const element of value.split(",")) {
    if (element.trim().toLowerCase() === token) return true;
  }
  return false;
}

/**
 * Checks an upgrade request against RFC 6455 4.2.1, the same way on every engine (engines differ:
 * ws checks the version, uWebSockets.js does not).
 */
export function checkHandshake(request: UpgradeRequest): HandshakeRefusal | undefined {
  const { method, headers } = request;
  if (method !== "GET") return refuse(400, "WebSocket upgrade must use GET");
  if (!listsToken(headers["connection"], "upgrade"))
    return refuse(400, "missing Connection: Upgrade");
  if ((headers["upgrade"] ?? "").toLowerCase() !== "websocket")
    return refuse(400, "missing Upgrade: websocket");
  if (headers["sec-websocket-version"] !== "13") {
    return {
      ...refuse(400, "unsupported Sec-WebSocket-Version (13 is supported)"),
      headers: [["sec-websocket-version", "13"]],
    };
  }
  if (!KEY.test(headers["sec-websocket-key"] ?? ""))
    return refuse(400, "missing or invalid Sec-WebSocket-Key");
  const listed = listedProtocols(request);
  // Engines differ (ws refuses, uWebSockets.js echoes whatever was offered): a name that is not
  // a token could carry anything into the response head.
  if (!listed.every((protocol) => protocol === "" || TOKEN.test(protocol)))
    return refuse(400, "invalid Sec-WebSocket-Protocol (each protocol must be a token)");
  // ws refuses an empty element or a name offered twice with its own 400; uWebSockets.js and
  // Bun take them: core refuses them first, so every engine answers the same.
  if (listed.includes("") || new Set(listed).size !== listed.length)
    return refuse(400, "invalid Sec-WebSocket-Protocol (an empty or repeated protocol)");
  return undefined;
}

/**
 * Whether a request asks for a protocol upgrade (as node:http decides), so engines that route
 * such requests elsewhere still hand them to core's handshake check.
 */
export function isUpgradeRequest(headers: Readonly<Record<string, string>>): boolean {
  return headers["upgrade"] !== undefined && listsToken(headers["connection"], "upgrade");
}

/**
 * What an engine may negotiate of a Sec-WebSocket-Extensions offer: its permessage-deflate
 * elements only. uWebSockets.js also agrees to the obsolete `x-webkit-deflate-frame`, which no
 * other engine speaks; an engine handed this value cannot.
 */
export function extensionOffer(header: string | undefined): string {
  if (!header) return "";
  return header
    .split(",")
    .filter((offer) => offer.split(";", 1)[0]?.trim().toLowerCase() === "permessage-deflate")
    .join(",");
}

/** The subprotocols a client offered, in its order of preference. */
export function offeredProtocols(request: UpgradeRequest): string[] {
  return listedProtocols(request).filter(Boolean);
}

/** The Sec-WebSocket-Protocol list as sent, trimmed, empty elements included. */
function listedProtocols(request: UpgradeRequest): string[] {
  const header = request.headers["sec-websocket-protocol"];
  return header === undefined ? [] : header.split(",").map((name) => name.trim());
}

function refuse(status: number, body: string): HandshakeRefusal {
  return { status, headers: [], body };
}
