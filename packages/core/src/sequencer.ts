import { isThenable } from "./thenable.js";

/**
 * Runs one connection's callbacks in order even when some are async: a message waits for an
 * async `onWsOpen`, `onWsClose` waits for the last message. Synchronous callbacks run at once,
 * with no promise allocated, which keeps the hot path cheap.
 */
export class Sequencer {
  #tail: Promise<void> | undefined;

  /** True when nothing async is pending: the next callback may run at once, inline. */
  get idle(): boolean {
    return this.#tail === undefined;
  }

  run(task: () => unknown, onError: (error: unknown) => void): void {
    if (this.#tail) {
      this.#follow(this.#tail.then(() => settle(task, onError)));
      return;
    }
    let result: unknown;
    try {
      result = task();
    } catch (error) {
      onError(error);
      return;
    }
    if (isThenable(result)) this.await(result, onError);
  }

  /** A callback that ran inline (while idle) returned a promise: later ones wait for it. */
  await(result: PromiseLike<unknown>, onError: (error: unknown) => void): void {
    this.#follow(settle(() => result, onError));
  }

  #follow(tail: Promise<void>): void {
    this.#tail = tail;
    // Back to the synchronous fast path once the last queued task is done.
    void tail.then(() => {
      if (this.#tail === tail) this.#tail = undefined;
    });
  }
}

async function settle(task: () => unknown, onError: (error: unknown) => void): Promise<void> {
  try {
    await task();
  } catch (error) {
    onError(error);
  }
}
