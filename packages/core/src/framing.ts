import { HttpError } from "./errors.js";

/** How a request body is delimited (RFC 9112 6.3): not at all, by a length, or chunked. */
export type BodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" };

const NONE: BodyFraming = { kind: "none" };
const CHUNKED: BodyFraming = { kind: "chunked" };
const DIGITS = /^[0-9]+$/;

/**
 * The framing a request's headers declare, or the 400 that refuses it. Engines join repeated
 * headers with ", " and frame by different values of them (uWebSockets.js takes the first
 * `Content-Length`), so anything but one unambiguous declaration is refused: a front proxy that
 * read it differently would otherwise see the rest of the body as a second request. The
 * connection closes after the refusal (RFC 9112 6.3), as nothing after the head can be trusted.
 */
export function bodyFraming(headers: Readonly<Record<string, string>>): BodyFraming | HttpError {
  const encoding = headers["transfer-encoding"];
  const length = headers["content-length"];
  if (encoding !== undefined) {
    // RFC 9112 6.1: chunked must be the final coding, applied once; Switchboard decodes no
    // other coding, so "chunked" alone is the only one it can frame.
    if (encoding.trim().toLowerCase() !== "chunked") {
      return new HttpError(400, `unsupported transfer-encoding ${JSON.stringify(encoding)}`);
    }
    // RFC 9112 6.1: a server may refuse both together, and must close the connection after.
    if (length !== undefined) {
      return new HttpError(400, "transfer-encoding together with content-length");
    }
    return CHUNKED;
  }
  if (length === undefined) return NONE;
  // A repeated header arrives joined ("0, 30"); a sign, a space or a fraction is no length either.
  const declared = Number(length);
  if (!DIGITS.test(length) || !Number.isSafeInteger(declared)) {
    return new HttpError(400, `invalid content-length ${JSON.stringify(length)}`);
  }
  return { kind: "length", length: declared };
}
