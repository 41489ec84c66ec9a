/**
 * Delay before reconnection attempt `retries` (0-based): doubling from `minMs`, capped at `maxMs`,
 * with up to 25% random reduction so many processes do not reconnect in lockstep.
 */
export function backoffDelay(retries: number, minMs: number, maxMs: number): number {
  const exponential = Math.min(maxMs, minMs * 2 ** Math.min(retries, 30));
  return Math.max(1, Math.round(exponential * (1 - Math.random() * 0.25)));
}
