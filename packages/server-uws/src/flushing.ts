/**
 * Responses whose body uWS has not written out yet. `app.close()` drops them with their
 * connections, so a closing backend lets them out first. Counted for the process, not per app:
 * a close may then wait for another server's response too, never longer than its bound.
 */
let unwritten = 0;
let waiters: (() => void)[] = [];

/** Counts one response as unwritten; the returned callback (safe to call twice) uncounts it. */
export function holdUntilWritten(): () => void {
  unwritten += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    unwritten -= 1;
    if (unwritten > 0) return;
    const ready = waiters;
    waiters = [];
    for (const waiter of ready) waiter();
  };
}

/** Resolves once every counted response is written (or its client gone), or after `limitMs`. */
export function allWritten(limitMs: number): Promise<void> {
  if (unwritten === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, limitMs);
    function done() {
      clearTimeout(timer);
      resolve();
    }
    waiters.push(done);
  });
}
