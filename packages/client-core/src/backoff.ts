import type { ReconnectPolicy } from "./options.js";

/**
 * How long to wait before retry number `retry` (0 for the first): exponential growth capped at
 * `maxDelay`, spread by ±`jitter` so that many clients dropped at once do not return at once.
 * At least `asked` (a wait the server asked for), spread upwards by `jitter` too, or every
 * client the server turned away would come back at the same moment.
 */
export function reconnectDelay(
  retry: number,
  policy: ReconnectPolicy,
  asked = 0,
  random = Math.random(),
): number {
  const { maxDelay, jitter } = policy;
  const base = Math.min(maxDelay, policy.initialDelay * policy.factor ** retry);
  return Math.max(
    asked * (1 + jitter * random),
    Math.min(maxDelay, base * (1 + jitter * (2 * random - 1))),
  );
}
