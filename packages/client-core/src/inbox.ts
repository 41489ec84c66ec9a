import { ClientError } from "./errors.js";
import type { Message } from "./message.js";

type Waiter = (message: Message | undefined) => void;

/**
 * Received messages nobody has asked for yet, so that a message arriving between `connect()`
 * and the first `nextMessage()` is not lost; and the callers waiting for the next one.
 */
export class Inbox {
  readonly #limit: number;
  #messages: Message[] = [];
  #waiters: Waiter[] = [];
  #ended = true;
  /** Set by a drop, cleared by a read: a flood is reported once, not once per message. */
  #overflowing = false;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Accepts messages again (a new `connect()`). */
  reopen(): void {
    this.#ended = false;
  }

  /** Hands a message to the oldest waiter, or keeps it. True when this starts dropping the oldest. */
  push(message: Message): boolean {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(message);
    else if (this.#limit) this.#messages.push(message);
    if (this.#messages.length <= this.#limit) return false;
    this.#messages.shift();
    const starts = !this.#overflowing;
    this.#overflowing = true;
    return starts;
  }

  /** No more messages will come: waiters get `undefined` once the kept messages are taken. */
  end(): void {
    this.#ended = true;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  /** The next message, or `undefined` once ended and empty; rejects with `TIMEOUT` after `timeout` ms. */
  next(timeout?: number): Promise<Message | undefined> {
    this.#overflowing = false;
    if (this.#messages.length || this.#ended) return Promise.resolve(this.#messages.shift());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
      const timer =
        timeout === undefined
          ? undefined
          : setTimeout(() => {
              this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
              reject(new ClientError("TIMEOUT", timeout));
            }, timeout);
      this.#waiters.push(waiter);
    });
  }
}
