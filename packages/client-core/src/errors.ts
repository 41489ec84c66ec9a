import type { CloseInfo } from "./policy.js";

/** Machine-readable reasons a client call can fail. */
export type ClientErrorCode =
  /**
   * An option has a value that makes no sense: thrown by the constructor, or, for what only the
   * WebSocket checks (protocols, headers), the reason `connect()` fails. Never retried.
   */
  | "INVALID_OPTION"
  /** A call got an argument it cannot use (send data, close code or reason). */
  | "INVALID_ARGUMENT"
  /** The URL is not a ws://, wss://, http:// or https:// URL. Never retried. */
  | "INVALID_URL"
  /** The server refused or could not be reached. */
  | "CONNECT_FAILED"
  /** The connection did not open within `connectTimeout`. */
  | "CONNECT_TIMEOUT"
  /** Reconnecting gave up after `maxRetries` attempts. */
  | "RECONNECT_FAILED"
  /** The server closed the connection with a code the reconnect policy does not retry (`info`). */
  | "CLOSED_BY_SERVER"
  /** The server answered the upgrade with an HTTP status (`info.status`) instead of accepting it. */
  | "UPGRADE_REFUSED"
  /** `connect()` while already connected or connecting. */
  | "ALREADY_CONNECTED"
  /** `send()` or `drain()` while there is no connection and none on its way. */
  | "NOT_CONNECTED"
  /** `send()` while reconnecting, with `maxQueuedMessages` already queued. */
  | "QUEUE_FULL"
  /** Queued messages were never sent because the client closed. */
  | "QUEUE_DISCARDED"
  /** Unread messages were dropped because more than `maxUnreadMessages` piled up. */
  | "MESSAGES_DROPPED"
  /** The client closed, or closed before the call could complete. */
  | "CLOSED"
  /** `nextMessage({ timeout })` saw no message in time. */
  | "TIMEOUT";

/**
 * Every error the client throws, rejects with or reports on purpose carries a `code`; its
 * message is the code and, where one helps, a detail, e.g. `CONNECT_TIMEOUT: ws://host/ 10000 ms`.
 *
 * @example
 * try { await client.connect(url); } catch (error) {
 *   if (error instanceof ClientError && error.code === "CONNECT_FAILED") showOffline();
 * }
 */
export class ClientError extends Error {
  // Declared, not defined: the constructor sets both, and fields would repeat it in the bundle.
  /** What went wrong, to branch on. */
  declare readonly code: ClientErrorCode;
  /**
   * For `CLOSED_BY_SERVER`, `UPGRADE_REFUSED`, `CONNECT_FAILED` and `CONNECT_TIMEOUT`: the close
   * code and reason, or the HTTP status, that ended the connection or the attempt.
   */
  declare readonly info: CloseInfo | undefined;

  constructor(code: ClientErrorCode, detail?: unknown, cause?: unknown, info?: CloseInfo) {
    super(detail === undefined ? code : `${code}: ${detail}`, { cause });
    this.name = "ClientError";
    this.code = code;
    this.info = info;
  }
}

/**
 * The error of a connection attempt that never opened: `code` with the URL and `detail`; its
 * `info` is that of a dropped connection (1006), with a refused upgrade's status if any.
 */
export function attemptError(
  code: ClientErrorCode,
  url: string,
  detail: unknown,
  cause?: unknown,
  refusal?: Pick<CloseInfo, "status" | "retryAfter">,
): ClientError {
  return new ClientError(code, `${url} ${detail}`.trim(), cause, {
    code: 1006,
    reason: String(detail),
    ...refusal,
  });
}
