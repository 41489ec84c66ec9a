import {
  type Channel,
  RECOVERED_ELSEWHERE,
  type WebServer,
  type WebServerOptions,
} from "@switchboard/core";
import { type RedisPubSub, redisCounter, redisPubSub } from "@switchboard/pubsub-redis";

/** The Redis key numbering users across every chat process. */
const USER_COUNTER_KEY = "chat-example:users";

/** What a chat class must look like to be shared: the tutorial's ChatServer. */
export type ChatClass = new (
  options: WebServerOptions,
) => WebServer & {
  nextId: number;
  readonly clients: Map<Channel, string>;
  onWsOpen(channel: Channel, url: string): unknown;
  onWsClose(channel: Channel, code: number, reason: string): unknown;
  onWsMessage(channel: Channel, text: string): unknown;
};

/** One chat room spread over every chat process connected to the same Redis. */
export interface SharedRoom {
  /** Carries `broadcast()` (joins, messages, leaves) to the other processes. */
  pubsub: RedisPubSub;
  /** The next user number, unique across processes (Redis INCR). */
  nextNumber(): Promise<number>;
  /** `Chat`, numbering its users from Redis instead of per process. */
  numbered(Chat: ChatClass): ChatClass;
  /** Closes the counter's connection (the server closes the pubsub one). */
  close(): Promise<void>;
}

export function sharedRoom(url: string, log: (line: string) => void): SharedRoom {
  const counter = redisCounter(url, USER_COUNTER_KEY);
  return {
    pubsub: redisPubSub({
      url,
      onError: (error) => log(`redis: ${error instanceof Error ? error.message : String(error)}`),
    }),
    nextNumber: () => counter.next(),
    numbered: (Chat) =>
      class extends Chat {
        // ChatServer names users with `++this.nextId`; starting from the number Redis handed this
        // client at upgrade keeps the tutorial's class unchanged and the names unique everywhere.
        override onWsOpen(channel: Channel, url: string) {
          if (typeof channel.data === "number") this.nextId = channel.data - 1;
          return super.onWsOpen(channel, url);
        }

        // A session may resume on another process (this one restarted, or a balancer sent the
        // client elsewhere): the name comes back from the number the session carries as `data`.
        override onWsRecover(channel: Channel) {
          if (!this.clients.has(channel) && typeof channel.data === "number") {
            this.clients.set(channel, `user_${channel.data}`);
          }
        }

        // The session went on in another process: free the name here, announce nothing.
        override onWsClose(channel: Channel, code: number, reason: string) {
          if (reason !== RECOVERED_ELSEWHERE) return super.onWsClose(channel, code, reason);
          this.clients.delete(channel);
        }
      },
    close: () => counter.close(),
  };
}
