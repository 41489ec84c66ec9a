import { utf8Encoder } from "@switchboard/protocol";
import { ClientError } from "./errors.js";

/** Turns user input into a URL every WebSocket implementation accepts, or throws `INVALID_URL`. */
export function checkUrl(input: unknown): string {
  try {
    const url = new URL(String(input));
    // http(s) is accepted as browsers do; a fragment means nothing to a WebSocket and browsers refuse it.
    url.protocol = url.protocol.replace("http", "ws");
    url.hash = "";
    if (/^wss?:$/.test(url.protocol)) return url.href;
  } catch {}
  throw new ClientError("INVALID_URL", input);
}

/**
 * Whether browsers accept this close code and reason; both clients refuse the same ones:
 * a code of 1000 or 3000-4999, and at most 123 bytes of reason.
 */
export function canClose(code: number, reason: string): boolean {
  return (
    (code === 1000 || (Number.isInteger(code) && code >= 3000 && code < 5000)) &&
    utf8Encoder.encode(reason).length < 124
  );
}

/** What `send` accepts, as a string or a byte view (no copy). */
export function toPayload(data: unknown): string | Uint8Array {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  throw new ClientError("INVALID_ARGUMENT", `send(${typeof data})`);
}
