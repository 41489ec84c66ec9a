const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A `Retry-After` header (seconds, or an HTTP date) as ms from `now`; undefined when absent or
 * unreadable, so that a bad header falls back to the backoff.
 */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  // Delay-seconds, or an IMF-fixdate (Date.parse reads "-5" or "1.5" as years, so names are required).
  const ms = /^\s*\d+\s*$/.test(value)
    ? Number(value) * 1000
    : /[a-z]/i.test(value)
      ? Date.parse(value) - now
      : Number.NaN;
  // Capped at half the longest delay setTimeout takes: beyond it a timer fires at once, and the
  // client spreads the wait upwards by its jitter (at most 1, so at most double). A far
  // Retry-After would otherwise become a retry at once, and a hostile server a tight loop.
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(0, ms), MAX_TIMER_MS / 2);
}
