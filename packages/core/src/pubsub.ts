/**
 * The scale-out seam, for authors of pub/sub adapters (`@switchboard/pubsub-redis`): the
 * `PubSubAdapter` a `WebServer` hands every publish to, and the topic broadcasts travel on.
 * Applications pass an adapter as `new WebServer({ pubsub })` and never import this.
 *
 * @module @switchboard/core/pubsub
 */

/**
 * Carries publishes between server processes (e.g. `@switchboard/pubsub-redis`). Core delivers
 * locally itself and hands every publish to the adapter; the adapter brings other processes'
 * publishes back through `deliver`, never this process's own.
 */
export interface PubSubAdapter {
  /** Connects; `deliver` is called for each message published by another process. */
  start(deliver: (topic: string, payload: Uint8Array, binary: boolean) => void): Promise<void>;
  /** Sends a message published here to the other processes. */
  publish(topic: string, payload: Uint8Array, binary: boolean): void;
  /** This process has its first local subscriber of `topic`. */
  subscribe(topic: string): void;
  /** This process has no local subscriber of `topic` left. */
  unsubscribe(topic: string): void;
  /** Disconnects. */
  stop(): Promise<void>;
  /**
   * Where a server with `recovery` on keeps its sessions' windows, so that a client may resume
   * on another process. Optional: without it, sessions live in their process only.
   */
  readonly recovery?: RecoveryStore;
}

import type { RecoveryStore } from "./recovery/store.js";

export type {
  ClaimedSession,
  HandoffMessage,
  RecoveryHandler,
  RecoveryStore,
  StoredMessage,
  StoredSession,
} from "./recovery/store.js";

/** The topic `broadcast()` travels on between processes: every channel receives it. */
export const BROADCAST_TOPIC = "\u0000broadcast";
