/** Why a typed event or a request failed. */
export type EventErrorCode =
  /** A request got no answer within its `timeoutMs`. */
  | "TIMEOUT"
  /** The connection closed before the request was answered (or while it could not be sent). */
  | "CHANNEL_CLOSED"
  /** More requests than `maxInFlightRequests` would be waiting for an answer on this connection. */
  | "TOO_MANY_REQUESTS"
  /** A payload (or a response) failed its schema, or a message was not a well-formed envelope. */
  | "INVALID_PAYLOAD"
  /** An event or request no handler is registered for. */
  | "UNKNOWN_EVENT"
  /** The request's handler threw; its details stay on the side that ran it. */
  | "HANDLER_FAILED"
  /** The connection did not negotiate the events protocol. */
  | "NOT_NEGOTIATED"
  /** An option of the events layer makes no sense. */
  | "INVALID_OPTION";

/** One reason a payload failed its schema, as it travels: a message and the path to the value. */
export interface PayloadIssue {
  message: string;
  /** Keys from the payload down to the value, when the schema gave them. */
  path?: (string | number)[] | undefined;
}

/** An error as it travels in a failure envelope: a code to branch on, and a safe message. */
export interface WireError {
  code: string;
  message: string;
  /** The event or request the failure is about. */
  event?: string;
  /** For INVALID_PAYLOAD: what the schema said. */
  issues?: PayloadIssue[];
}

/** What an `EventError` may carry besides its code and message. */
export interface EventErrorDetails {
  /** The event or request concerned. */
  event?: string | undefined;
  /** For INVALID_PAYLOAD: the schema's issues. */
  issues?: PayloadIssue[] | undefined;
  /** True when the peer reported it. */
  remote?: boolean;
  cause?: unknown;
}

/**
 * The error of typed events and requests, on the server and in the clients. `remote` is true
 * when the peer reported it (e.g. its handler failed, or it refused the payload).
 *
 * @example
 * try { await client.request("clients", undefined, { timeoutMs: 1000 }); }
 * catch (error) { if (error instanceof EventError && error.code === "TIMEOUT") retryLater(); }
 */
export class EventError extends Error {
  /** What went wrong, to branch on; a handler may throw an `EventError` with a code of its own. */
  declare readonly code: EventErrorCode | (string & {});
  /** The event or request concerned. */
  declare readonly event: string | undefined;
  /** For INVALID_PAYLOAD: the schema's issues. */
  declare readonly issues: PayloadIssue[] | undefined;
  /** True when this error came from the peer. */
  declare readonly remote: boolean;

  constructor(
    code: EventErrorCode | (string & {}),
    message: string,
    details: EventErrorDetails = {},
  ) {
    super(message, { cause: details.cause });
    // One assignment instead of four: this class ships in the browser bundle.
    Object.assign(this, {
      name: "EventError",
      code,
      remote: false,
      ...details,
      cause: details.cause,
    });
  }
}

/** The error as it travels: code, message, event and issues only; never a stack or a cause. */
export function toWire(error: EventError): WireError {
  const { code, message, event, issues } = error;
  // JSON leaves out the undefined fields.
  return { code, message, event, issues } as WireError;
}
