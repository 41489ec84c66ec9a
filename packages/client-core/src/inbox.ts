import { later } from "@switchboard/protocol";
import { ClientError } from "./errors.js";
import { settle, type Waiter } from "./waiters.js";

/**
 * Items received that nobody has asked for yet (messages of the client, events of one name), so
 * that one arriving between `connect()` and the first read is not lost; and the readers waiting
 * for the next one.
 */
export interface Inbox<T> {
  /** Hands an item to the oldest reader, or keeps it. True when this starts dropping the oldest. */
  push(item: T): boolean;
  /** Its client closed: waiting readers get `undefined`; kept items stay readable. */
  end(): void;
  /** The next item, or `undefined` once ended and empty; rejects with `TIMEOUT` after `timeout` ms. */
  next(timeout?: number): Promise<T | undefined>;
}

/**
 * An inbox that keeps up to `limit` items, the oldest dropped first (0 keeps none), and is
 * over while `ended()` says so (its client is closed). Closures rather than a class: this code
 * ships in the browser bundle, and locals minify.
 */
export function createInbox<T>(limit: number, ended: () => boolean): Inbox<T> {
  const items: T[] = [];
  const readers: Waiter<T>[] = [];
  /** Set by a drop, cleared by a read: a flood is reported once, not once per item. */
  let overflowing = false;
  return {
    push(item) {
      const reader = readers.shift();
      if (reader) reader(item);
      else if (limit && items.push(item) > limit) {
        items.shift();
        const starts = !overflowing;
        overflowing = true;
        return starts;
      }
      return false;
    },
    end: () => settle(readers),
    async next(timeout) {
      overflowing = false;
      if (items.length || ended()) return items.shift();
      return new Promise((resolve, reject) => {
        const reader: Waiter<T> = (item) => {
          clearTimeout(timer);
          resolve(item);
        };
        const timer =
          timeout === undefined
            ? undefined
            : later(() => {
                readers.splice(readers.indexOf(reader), 1);
                reject(new ClientError("TIMEOUT", timeout));
              }, timeout);
        readers.push(reader);
      });
    },
  };
}
