import { HttpError } from "./errors.js";

/** What a request head is measured by: the same fields for HTTP requests and upgrades. */
export interface RequestHeadFields {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The 431 for a request head over `limit` bytes, as core measures it (request line and header
 * lines). node:http refuses a bigger head itself; uWebSockets.js has no limit of its own, so
 * this is what makes every engine answer 431, to upgrades as to plain requests.
 */
export function headTooLarge(head: RequestHeadFields, limit: number): HttpError | undefined {
  let size = head.method.length + head.url.length + 12;
  const { headers } = head;
  for (const name in headers) size += name.length + (headers[name] as string).length + 4;
  return size > limit ? new HttpError(431, "request header fields too large") : undefined;
}
