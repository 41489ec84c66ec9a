import type { Channel } from "./channel.js";
import { SwitchboardError } from "./errors.js";

/**
 * The engine topic every socket joins, for a broadcast in one engine publish. User topics are
 * prefixed (`engineTopic`), so no user topic can meet it.
 */
export const EVERYONE_TOPIC = "all";

/** A user topic's name in an engine with its own publish. */
export function engineTopic(topic: string): string {
  return `t/${topic}`;
}

/** Who is subscribed to what, kept in both directions so a closing channel leaves in O(its topics). */
export class Topics {
  #subscribers = new Map<string, Set<Channel>>();
  #byChannel = new Map<Channel, Set<string>>();

  /** Returns true when this made the topic go from no local subscribers to one. */
  subscribe(channel: Channel, topic: string): boolean {
    checkTopic(topic);
    let subscribers = this.#subscribers.get(topic);
    const first = !subscribers;
    if (!subscribers) {
      subscribers = new Set();
      this.#subscribers.set(topic, subscribers);
    }
    subscribers.add(channel);
    let topics = this.#byChannel.get(channel);
    if (!topics) {
      topics = new Set();
      this.#byChannel.set(channel, topics);
    }
    topics.add(topic);
    return first;
  }

  /** Returns true when this removed the topic's last local subscriber. */
  unsubscribe(channel: Channel, topic: string): boolean {
    const subscribers = this.#subscribers.get(topic);
    if (!subscribers?.delete(channel)) return false;
    this.#byChannel.get(channel)?.delete(topic);
    if (subscribers.size > 0) return false;
    this.#subscribers.delete(topic);
    return true;
  }

  /** Removes a channel from every topic; returns the topics left without local subscribers. */
  leaveAll(channel: Channel): readonly string[] {
    const topics = this.#byChannel.get(channel);
    // Most channels never subscribe: nothing to allocate when they leave.
    if (!topics) return NO_TOPICS;
    const emptied: string[] = [];
    for (const topic of topics) {
      const subscribers = this.#subscribers.get(topic);
      subscribers?.delete(channel);
      if (subscribers?.size === 0) {
        this.#subscribers.delete(topic);
        emptied.push(topic);
      }
    }
    this.#byChannel.delete(channel);
    return emptied;
  }

  subscribers(topic: string): ReadonlySet<Channel> {
    return this.#subscribers.get(topic) ?? EMPTY;
  }

  topicsOf(channel: Channel): ReadonlySet<string> {
    return this.#byChannel.get(channel) ?? EMPTY_TOPICS;
  }

  /** Every topic with at least one local subscriber. */
  active(): IterableIterator<string> {
    return this.#subscribers.keys();
  }
}

const EMPTY: ReadonlySet<Channel> = new Set();
const EMPTY_TOPICS: ReadonlySet<string> = new Set();
const NO_TOPICS: readonly string[] = [];

function checkTopic(topic: unknown): void {
  if (typeof topic !== "string" || topic.length === 0) {
    throw new SwitchboardError(
      "INVALID_ARGUMENT",
      `a topic must be a non-empty string, got ${JSON.stringify(topic)}`,
    );
  }
}
