import type { Channel } from "./channel.js";

/** Flow-control thresholds of one connection, in bytes. */
export interface FlowLimits {
  highWaterMark: number;
  lowWaterMark: number;
  maxBufferedBytes: number;
}

/**
 * What every connection needs from the server that owns it: its limits, and where its events
 * go. One object per server, shared by all its connections.
 */
export interface ServerContext {
  readonly flow: FlowLimits;
  readonly maxMessageBytes: number;
  readonly maxMessagesPerSecond: number;
  readonly maxQueuedMessageBytes: number;
  /** How long a peer has to answer a close frame the server sent before it is dropped. */
  readonly closeTimeoutMs: number;
  /** True while the server shuts down: a socket that opens now is closed at once. */
  isClosing(): boolean;
  /** Runs `onWsOpen`. */
  opened(channel: Channel): unknown;
  /** Runs the message callbacks. */
  deliver(channel: Channel, data: Uint8Array | string, binary: boolean): unknown;
  /** Forgets the channel (channel set, topics) before `onWsClose` runs. */
  left(channel: Channel): void;
  /** Runs `onWsClose`, after the messages that waited (the events layer forgets the channel here). */
  closed(channel: Channel, code: number, reason: string): unknown;
  /** The buffer fell to the low-water mark after `send` returned false: runs `onWsDrain`. */
  drained(channel: Channel): void;
  /** `send` went over `maxBufferedBytes`; the channel is being closed. */
  overflowed(channel: Channel): void;
  /** Messages waiting for an async callback went over `maxQueuedMessageBytes`; the channel is being closed. */
  queueOverflowed(channel: Channel): void;
  /** Counts a channel closed for its message rate. */
  rateLimited(): void;
  /** Hands a callback's failure to `onError`. */
  report(error: unknown, source: string, channel: Channel): void;
}
