/**
 * Why a connection ended or an attempt failed, as the reconnect policy (`shouldReconnect`) and
 * a stopping error (`ClientError.info`) see it.
 */
export interface CloseInfo {
  /** The close code: the server's, or 1006 when the connection dropped or never opened. */
  readonly code: number;
  /** The close reason, or what went wrong with an attempt that failed. */
  readonly reason: string;
  /**
   * The HTTP status of a refused upgrade. Only where the WebSocket shows it: the Node client
   * does; browsers hide it, so there a refused upgrade looks like an unreachable server.
   */
  readonly status?: number | undefined;
  /** A refused upgrade's `Retry-After`, in ms (Node only). */
  readonly retryAfter?: number | undefined;
}

/**
 * What a client retries by default: close codes for the network, a restart, an overload, a
 * gateway; upgrade statuses for a timeout and a rate limit (and every 5xx).
 */
const RETRIED = [1001, 1006, 1011, 1012, 1013, 1014, 408, 429];

/**
 * The default reconnect policy: retry what is transient, stop where retrying cannot help or
 * the server asked the client to stay away.
 *
 * - Retry: 1006 (dropped, or unreachable), 1001, 1011, 1012, 1013, 1014; upgrade answers 408,
 *   429 and 5xx.
 * - Stop: every other close code (1000 from the server, 1003, 1007, 1008, 1009, 1010,
 *   4000-4999…) and every other upgrade answer (401, 403, 404…).
 *
 * @example
 * // Also retry the application's own "come back later" code.
 * reconnect: { shouldReconnect: (info) => info.code === 4500 || defaultShouldReconnect(info) }
 */
export function defaultShouldReconnect({ code, status = 0 }: CloseInfo): boolean {
  return status > 499 || RETRIED.includes(status || code);
}
