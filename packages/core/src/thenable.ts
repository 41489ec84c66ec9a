/** Whether a callback's result is a promise (or any thenable) that must be awaited. */
export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}
