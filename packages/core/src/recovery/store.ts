/**
 * The seam that lets a recovering client come back to another server process: a store that a
 * `PubSubAdapter` may provide as `recovery` (`@switchboard/pubsub-redis` does). Core writes each
 * session's window to it and asks it for a session it does not know; the store carries the
 * handoff between processes. Applications never use this directly.
 */

/** What a store keeps of a session besides its messages. */
export interface StoredSession {
  /** The channel's `url`. */
  url: string;
  /** The channel's (inner) subprotocol. */
  protocol: string;
  /** `channel.data` as JSON; undefined when it is undefined; null when it cannot be JSON. */
  data: string | undefined | null;
  /** The channel's topics. */
  topics: string[];
  /** How many of the client's data messages the session received. */
  received: number;
  /** How many data messages the session sent (or held) to the client. */
  sent: number;
}

/** A message published to a claimed session's topics while the handoff was under way. */
export interface HandoffMessage {
  /** The message as published (text as UTF-8). */
  payload: Uint8Array;
  /** BINARY, else TEXT. */
  binary: boolean;
}

/** A data message as it went on the wire (a TEXT one escaped), kept for a resend. */
export interface StoredMessage {
  /** The bytes (or text) sent. */
  data: Uint8Array | string;
  /** BINARY, else TEXT. */
  binary: boolean;
}

/** A session another process held, handed over: its state and what its client has not got. */
export interface ClaimedSession extends StoredSession {
  /** The data messages after the client's `received`, numbered on from it, oldest first. */
  messages: StoredMessage[];
  /**
   * Stops listening for the session's topics and returns what was published to them since the
   * previous owner let go: call it once the channel is subscribed here, and send them after
   * `messages`.
   */
  takeLive(): HandoffMessage[];
  /** The claim is not used after all (the session could not be restored here). */
  cancel(): void;
}

/** What a store asks of the server whose sessions it keeps. */
export interface RecoveryHandler {
  /**
   * Another process resumes `session`: this one lets go of it now (no more sends or appends)
   * and returns its final state, or undefined when it does not hold it. `end`: the client came
   * back but the session cannot be resumed, so it ends as a failed resume does.
   */
  release(session: string, end?: boolean): StoredSession | undefined;
}

/**
 * Where a server with `recovery` on keeps each session's window so that another process can
 * resume it. Every write is fire-and-forget (pipelined); only `claim` is awaited.
 */
export interface RecoveryStore {
  /** The server's recovery is on: `handler` answers release requests from other processes. */
  attach(handler: RecoveryHandler, limits: { windowMs: number; maxMessages: number }): void;
  /** A session began on this process (new, or claimed from another). */
  opened(session: string, state: StoredSession): void;
  /** Data message number `seq` went out on the session (or was held for its client). */
  appended(session: string, seq: number, data: Uint8Array | string, binary: boolean): void;
  /** The client acknowledged every message up to `received`. */
  acknowledged(session: string, received: number): void;
  /**
   * The session has received `received` of the client's data messages. Settles (never
   * rejects) once that is stored: the client is acknowledged only then.
   */
  counted(session: string, received: number): Promise<void>;
  /** The session's state now (the client dropped, or periodically). */
  saved(session: string, state: StoredSession): void;
  /** The session ended for good: forget it. */
  ended(session: string): void;
  /**
   * A client names a session this process does not hold, having received `received` of its
   * messages: takes it over from its owner. Undefined when it is unknown, or cannot give the
   * client everything it missed.
   */
  claim(session: string, received: number): Promise<ClaimedSession | undefined>;
}
