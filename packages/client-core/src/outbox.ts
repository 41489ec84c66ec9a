import { ClientError } from "./errors.js";

/** Messages sent while (re)connecting, written in order once the connection opens. */
export class Outbox {
  readonly #limit: number;
  #messages: (string | Uint8Array)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#messages.length;
  }

  /** Queues a message; throws `QUEUE_FULL` instead of growing past the limit or dropping one. */
  push(payload: string | Uint8Array): void {
    if (this.#messages.length >= this.#limit) {
      throw new ClientError(
        "QUEUE_FULL",
        `cannot send: not connected and ${this.#limit} messages are already queued (maxQueuedMessages)`,
      );
    }
    // The caller may reuse its buffer before the connection opens.
    this.#messages.push(typeof payload === "string" ? payload : payload.slice());
  }

  /** Removes and returns every queued message, oldest first. */
  take(): (string | Uint8Array)[] {
    return this.#messages.splice(0);
  }
}
