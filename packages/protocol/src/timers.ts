/**
 * The longest delay a timer keeps: Node.js and browsers fire a longer one after 1 ms, so a
 * heartbeat of 2 ** 32 ms would ping every millisecond, and `connectTimeout: Infinity` time
 * out every attempt at once.
 */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/** `setTimeout` for a delay a user or a peer chose: a longer one waits `MAX_DELAY_MS`. */
export function later(run: () => void, ms: number): ReturnType<typeof setTimeout> {
  return setTimeout(run, Math.min(ms, MAX_DELAY_MS));
}
