/**
 * Settles a promise handed out: a `connect()` or `close()` waiting (with an error to reject,
 * none to resolve), or a reader waiting (with the item, none once closed).
 */
export type Waiter<T = unknown> = (value?: T) => void;

/** A promise that `settle(waiters, error)` settles: rejected with an error, else resolved. */
export function wait(waiters: Waiter[]): Promise<void> {
  return new Promise((resolve, reject) =>
    waiters.push((error) => (error ? reject(error) : resolve())),
  );
}

/** Calls every waiter with `value`, and forgets them. */
export function settle<T>(waiters: Waiter<T>[], value?: T): void {
  for (const waiter of waiters.splice(0)) waiter(value);
}
