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
  #dropped = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Accepts messages again (a new `connect()`). */
  reopen(): void {
    this.#ended = false;
  }

  /** Hands a message to the oldest waiter, or keeps it. Returns true when this starts a run of drops. */
  push(message: Message): boolean {
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter(message);
      return false;
    }
    if (this.#limit === 0) return false;
    this.#messages.push(message);
    if (this.#messages.length <= this.#limit) return false;
    this.#messages.shift();
    return this.#dropped++ === 0;
  }

  /** No more messages will come: waiters get `undefined` once the kept messages are taken. */
  end(): void {
    this.#ended = true;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  /**
   * The next message, or `undefined` once ended and empty. Rejects with `MESSAGES_DROPPED` once
   * after a drop (the caller learns of the gap), and with `TIMEOUT` after `timeout` ms.
   */
  next(timeout?: number): Promise<Message | undefined> {
    if (this.#dropped > 0) {
      const dropped = this.#dropped;
      this.#dropped = 0;
      return Promise.reject(
        new ClientError(
          "MESSAGES_DROPPED",
          `${dropped} unread messages were dropped (maxUnreadMessages is ${this.#limit})`,
        ),
      );
    }
    if (this.#messages.length > 0 || this.#ended) return Promise.resolve(this.#messages.shift());
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waiter: Waiter = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
      if (timeout !== undefined) {
        timer = setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(new ClientError("TIMEOUT", `no message within ${timeout} ms`));
        }, timeout);
      }
      this.#waiters.push(waiter);
    });
  }
}
