import { ClientError } from "./errors.js";

const encoder = new TextEncoder();
const SCHEMES: Record<string, string> = {
  "ws:": "ws:",
  "wss:": "wss:",
  "http:": "ws:",
  "https:": "wss:",
};

/** Turns user input into a URL every WebSocket implementation accepts, or throws `INVALID_URL`. */
export function checkUrl(input: unknown): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new ClientError("INVALID_URL", `not a valid URL: "${String(input)}"`);
  }
  const scheme = SCHEMES[url.protocol];
  if (!scheme) throw new ClientError("INVALID_URL", `use a ws:// or wss:// URL, got "${url.href}"`);
  url.protocol = scheme;
  // A fragment means nothing to a WebSocket and browsers refuse it.
  url.hash = "";
  return url.href;
}

/**
 * Refuses close codes and reasons that browsers throw on, so that both clients behave alike:
 * 1000 or 3000-4999, and at most 123 bytes of reason.
 */
export function checkClose(code: number, reason: string): void {
  if (code !== 1000 && !(Number.isInteger(code) && code >= 3000 && code <= 4999)) {
    throw new ClientError("INVALID_ARGUMENT", `close code must be 1000 or 3000-4999, got ${code}`);
  }
  if (typeof reason !== "string" || encoder.encode(reason).length > 123) {
    throw new ClientError(
      "INVALID_ARGUMENT",
      "close reason must be a string of at most 123 UTF-8 bytes",
    );
  }
}

/** What `send` accepts, as a string or a byte view (no copy). */
export function toPayload(data: unknown): string | Uint8Array {
  if (typeof data === "string" || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new ClientError(
    "INVALID_ARGUMENT",
    `send takes a string, ArrayBuffer or typed array, got ${typeof data}`,
  );
}
