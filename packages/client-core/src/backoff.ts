import type { ReconnectPolicy } from "./options.js";

/**
 * How long to wait before retry number `retry` (0 for the first): exponential growth capped at
 * `maxDelay`, spread by ±`jitter` so that many clients dropped at once do not return at once.
 */
export function reconnectDelay(
  retry: number,
  policy: ReconnectPolicy,
  random = Math.random(),
): number {
  const base = Math.min(policy.maxDelay, policy.initialDelay * policy.factor ** retry);
  return Math.min(policy.maxDelay, base * (1 + policy.jitter * (2 * random - 1)));
}
