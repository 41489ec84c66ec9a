import type { Channel } from "../channel.js";

/**
 * @internal A layer that sees a server's messages before the raw callbacks do: the typed events
 * of `EventHub`. One per server.
 */
export interface MessageLayer {
  /** A channel opened, before `onWsOpen`. */
  opened(channel: Channel): void;
  /**
   * True when the message was the layer's: the raw callbacks then do not see it. A promise when
   * it is still being handled (an async schema): the channel's next messages wait for it.
   */
  message(channel: Channel, data: Uint8Array | string, binary: boolean): boolean | Promise<void>;
  /** A channel is gone, before `onWsClose`. */
  closed(channel: Channel): void;
}
