/** Machine-readable reasons a Switchboard call can fail. */
export type SwitchboardErrorCode =
  | "INVALID_OPTION"
  | "INVALID_ARGUMENT"
  | "CHANNEL_CLOSED"
  | "BUFFER_OVERFLOW"
  | "QUEUE_OVERFLOW"
  | "FRAGMENT_IN_PROGRESS"
  | "NOT_LISTENING"
  | "ALREADY_LISTENING"
  | "ENGINE_UNAVAILABLE";

/** Every error Switchboard throws on purpose carries a `code` to branch on. */
export class SwitchboardError extends Error {
  /** What went wrong, to branch on. */
  readonly code: SwitchboardErrorCode;

  constructor(code: SwitchboardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SwitchboardError";
    this.code = code;
  }
}

/**
 * Throw from an HTTP handler to answer with that status (and the message as text/plain).
 *
 * @example
 * server.get("/admin", () => { throw new HttpError(403, "forbidden"); });
 */
export class HttpError extends Error {
  /** The HTTP status to answer with. */
  readonly status: number;

  constructor(status: number, message?: string, options?: { cause?: unknown }) {
    super(message ?? `HTTP ${status}`, options);
    this.name = "HttpError";
    this.status = status;
  }
}
