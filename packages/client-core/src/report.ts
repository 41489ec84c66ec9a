/** What user code reports to: the client's `onError`. */
interface Reporter {
  onError(error: unknown): void;
}

/** Hands an error to `onError`; an `onError` that throws is logged, never rethrown. */
export function report(client: Reporter, error: unknown): void {
  try {
    client.onError(error);
  } catch (secondary) {
    console.error(secondary);
  }
}

/**
 * Runs user code (a callback, a handler): what it throws, or rejects with, goes to `onError`.
 * Returns its result, undefined when it threw.
 */
export function guard<T>(client: Reporter, run: () => T): T | undefined {
  try {
    const result = run();
    (result as PromiseLike<unknown> | undefined)?.then?.(undefined, (error) =>
      report(client, error),
    );
    return result;
  } catch (error) {
    report(client, error);
  }
}
