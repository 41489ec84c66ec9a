/** What went wrong, as a stable code. */
export type RedisPubSubErrorCode =
  /** Redis could not be reached within `connectTimeoutMs` at start. */
  | "UNREACHABLE"
  /** A connection to Redis was lost; the adapter is reconnecting. */
  | "CONNECTION_LOST"
  /** Publishes were dropped because the publishing connection was down. */
  | "PUBLISH_DROPPED"
  /** A message on a Switchboard channel was not a Switchboard envelope. */
  | "MALFORMED_MESSAGE"
  /** A Redis command failed. */
  | "COMMAND_FAILED"
  /** The adapter or counter is stopped. */
  | "STOPPED";

/** An error reported by `@switchboard/pubsub-redis`. */
export class RedisPubSubError extends Error {
  /** Always "RedisPubSubError". */
  override name = "RedisPubSubError";

  constructor(
    /** What went wrong, to branch on. */
    readonly code: RedisPubSubErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(invalid URL)";
  }
}

/** A short description of an unknown failure. */
export function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
