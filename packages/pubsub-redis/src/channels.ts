import { BROADCAST_TOPIC } from "@switchboard/core/pubsub";

/** The default channel prefix: topic `room:1` travels on Redis channel `switchboard:room:1`. */
export const DEFAULT_PREFIX = "switchboard:";

/**
 * The Redis channel of a topic: `prefix + topic`. `broadcast()` travels on
 * `prefix + "\u0000broadcast"` (core's `BROADCAST_TOPIC`), which no user topic can collide with
 * because core refuses to publish to that name.
 */
export function channelOf(prefix: string, topic: string): string {
  return prefix + topic;
}

/** The Redis channel every process listens on for `broadcast()`. */
export function broadcastChannel(prefix: string): string {
  return channelOf(prefix, BROADCAST_TOPIC);
}
