import { SwitchboardError } from "./errors.js";

const MAX_REASON_BYTES = 123;
const encoder = new TextEncoder();

/** Codes an endpoint may put in a close frame (RFC 6455 7.4.1 plus the IANA registry). */
export function isSendableCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1003) ||
      (code >= 1007 && code <= 1014 && code !== 1010) ||
      (code >= 3000 && code <= 4999))
  );
}

/**
 * Validates a close code and reason before any engine sees them: engines throw (or abort) on
 * values a peer would reject, so the SDK refuses them with one clear error.
 */
export function checkClose(code: number, reason: string): void {
  if (!isSendableCloseCode(code)) {
    throw new SwitchboardError(
      "INVALID_ARGUMENT",
      `close code ${code} cannot be sent: use 1000-1003, 1007-1014 (not 1010) or 3000-4999`,
    );
  }
  if (typeof reason !== "string") {
    throw new SwitchboardError("INVALID_ARGUMENT", "close reason must be a string");
  }
  const bytes = encoder.encode(reason).length;
  if (bytes > MAX_REASON_BYTES) {
    throw new SwitchboardError(
      "INVALID_ARGUMENT",
      `close reason is ${bytes} bytes of UTF-8; the limit is ${MAX_REASON_BYTES}`,
    );
  }
}
