import { ACK_DELAY_MS, AckCounter } from "@switchboard/protocol";

/**
 * The server's acks: an ack whose delay passed waits for the next message received, up to
 * `ACK_DELAY_MS` more, and goes out while that message is handled, where an engine writes it
 * together with the replies (uWebSockets.js corks a socket's callback) instead of in a write of
 * its own from a timer. The client still gets an ack within twice the delay. Clients keep the
 * plain `AckCounter`, which is smaller in a page's bundle.
 */
export class RidingAcks extends AckCounter {
  /** Inside `count`: a flush now is the ack riding along. */
  #counting = false;
  /** The delay passed: the next message carries the ack. */
  #due = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  override count(): void {
    this.#counting = true;
    try {
      super.count();
      if (this.#due) super.flush();
    } finally {
      this.#counting = false;
    }
  }

  /**
   * Outside `count` only the counter's timer flushes (the server never calls it itself): the
   * first time the ack becomes due, the second time it goes out on its own.
   */
  override flush(): void {
    if (this.#counting || this.#due) {
      super.flush();
      return;
    }
    super.stop();
    this.#due = true;
    this.#timer = setTimeout(() => this.flush(), ACK_DELAY_MS);
  }

  override stop(): void {
    super.stop();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = false;
  }
}
