import type { Channel } from "./channel.js";
import { CloseCode } from "./opcode.js";
import type { SocketEvents } from "./seam.js";
import { Sequencer } from "./sequencer.js";
import { isThenable } from "./thenable.js";

/** What a connection needs from the server that owns it: one object per server. */
export interface ConnectionHost {
  readonly maxMessageBytes: number;
  readonly maxMessagesPerSecond: number;
  /** True while the server shuts down: a socket that opens now is closed at once. */
  isClosing(): boolean;
  /** Runs `onWsOpen`. */
  opened(channel: Channel): unknown;
  /** Runs the message callbacks. */
  deliver(channel: Channel, data: Uint8Array | string, binary: boolean): unknown;
  /** Forgets the channel (channel set, topics) before `onWsClose` runs. */
  left(channel: Channel): void;
  /** Runs `onWsClose`. */
  closed(channel: Channel, code: number, reason: string): unknown;
  /** Counts a channel closed for its message rate. */
  rateLimited(): void;
  /** Hands a callback's failure to `onError`. */
  report(error: unknown, source: string, channel: Channel): void;
}

/**
 * The engine events of one socket, applied to its channel in order. A class rather than an object
 * of closures: each connection costs one small object, and a message allocates nothing here.
 */
export class Connection extends Sequencer implements SocketEvents {
  readonly #host: ConnectionHost;
  readonly #channel: Channel;

  constructor(host: ConnectionHost, channel: Channel) {
    super();
    this.#host = host;
    this.#channel = channel;
  }

  open(): void {
    const channel = this.#channel;
    if (this.#host.isClosing()) channel.close(CloseCode.GOING_AWAY, "server shutting down");
    this.run(
      () => this.#host.opened(channel),
      (error) => {
        this.#host.report(error, "onWsOpen", channel);
        if (channel.isOpen) channel.close(CloseCode.INTERNAL_ERROR, "internal error");
      },
    );
  }

  message(data: Uint8Array | string, binary: boolean): void {
    const channel = this.#channel;
    const host = this.#host;
    if (!channel.isOpen) return;
    channel.handleActivity();
    if (messageSize(data, host.maxMessageBytes) > host.maxMessageBytes) {
      channel.close(CloseCode.MESSAGE_TOO_BIG, "message too big");
      return;
    }
    if (host.maxMessagesPerSecond > 0 && !channel.takeMessageToken(host.maxMessagesPerSecond)) {
      host.rateLimited();
      channel.close(CloseCode.POLICY_VIOLATION, "message rate limit exceeded");
      return;
    }
    if (!this.idle) {
      this.run(() => host.deliver(channel, data, binary), this.#failed("onWsMessage"));
      return;
    }
    // The common case, inline: no closure and no promise per message.
    try {
      const result = host.deliver(channel, data, binary);
      if (isThenable(result)) this.await(result, this.#failed("onWsMessage"));
    } catch (error) {
      host.report(error, "onWsMessage", channel);
    }
  }

  close(code: number, reason: string): void {
    const channel = this.#channel;
    this.#host.left(channel);
    channel.handleClose();
    this.run(() => this.#host.closed(channel, code, reason), this.#failed("onWsClose"));
  }

  drain(): void {
    this.#channel.handleDrain();
  }

  pong(): void {
    this.#channel.handlePong();
  }

  #failed(source: string): (error: unknown) => void {
    return (error) => this.#host.report(error, source, this.#channel);
  }
}

/** A message's size in bytes; text no longer than a third of `limit` fits whatever it holds. */
function messageSize(data: Uint8Array | string, limit: number): number {
  if (typeof data !== "string") return data.byteLength;
  return data.length * 3 <= limit ? data.length : Buffer.byteLength(data);
}
