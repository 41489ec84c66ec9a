/**
 * Scale-out through Redis: `publish()` and `broadcast()` reach the clients of every server
 * process, and with `recovery` on a client may resume its session on any of them.
 *
 * @module @switchboard/pubsub-redis
 */

export { RedisPubSub, type RedisPubSubStats, redisPubSub } from "./adapter.js";
export { broadcastChannel, channelOf, DEFAULT_PREFIX } from "./channels.js";
export { type RedisCounter, redisCounter } from "./counter.js";
export { RedisPubSubError, type RedisPubSubErrorCode } from "./errors.js";
export {
  DEFAULTS,
  type RedisConnectionOptions,
  type RedisErrorContext,
  type RedisPubSubOptions,
  type RedisRole,
} from "./options.js";
export type { RedisRecoveryCounts, RedisRecoveryStore } from "./recovery-store.js";
