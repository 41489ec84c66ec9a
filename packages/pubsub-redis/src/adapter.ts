import { BROADCAST_TOPIC, type PubSubAdapter } from "@switchboard/core/pubsub";
import { channelOf } from "./channels.js";
import { Connection } from "./connection.js";
import { EnvelopeReader, EnvelopeWriter, nodeIdBytes, senderOf } from "./envelope.js";
import { describe, RedisPubSubError } from "./errors.js";
import { Handoff } from "./handoff.js";
import {
  checkDelay,
  DEFAULTS,
  defaultNodeId,
  type RedisPubSubOptions,
  type ResolvedConnectionOptions,
  resolveConnection,
} from "./options.js";
import { RedisRecoveryStore } from "./recovery-store.js";

/** What the adapter did so far, for monitoring. */
export interface RedisPubSubStats {
  /** Messages handed to the publishing connection. */
  published: number;
  /** Messages not sent because the publishing connection was down (or the adapter not started). */
  dropped: number;
  /** Messages sent whose connection failed before Redis acknowledged them: they may or may not have arrived. */
  unconfirmed: number;
  /** Messages from other processes handed to the server for local delivery. */
  received: number;
  /** Messages on a Switchboard channel that were not Switchboard envelopes (ignored). */
  malformed: number;
  /** Times one of the two connections to Redis was lost. */
  disconnects: number;
}

type Deliver = (topic: string, payload: Uint8Array, binary: boolean) => void;
type Listener = (message: Buffer) => void;

/**
 * A `PubSubAdapter` over Redis pub/sub: one connection publishes (so this process's messages
 * keep their order), one subscribes to the channels of the topics that have local subscribers,
 * plus the broadcast channel. Create it with `redisPubSub(...)`.
 */
export class RedisPubSub implements PubSubAdapter {
  /** This process's id; messages carrying it are not delivered again here. */
  readonly nodeId: string;
  /** Prepended to a topic to name its Redis channel. */
  readonly prefix: string;
  /** Counters; see `RedisPubSubStats`. */
  readonly stats: RedisPubSubStats = {
    published: 0,
    dropped: 0,
    unconfirmed: 0,
    received: 0,
    malformed: 0,
    disconnects: 0,
  };
  readonly #options: ResolvedConnectionOptions;
  readonly #writer: EnvelopeWriter;
  readonly #reader: EnvelopeReader;
  /**
   * Where a server with `recovery` on keeps its sessions, so that a client can resume on
   * another process (docs/recovery.md, "Across processes").
   */
  readonly recovery: RedisRecoveryStore;
  /** The topics subscribed in Redis, each with the listener its channel is subscribed with. */
  readonly #listeners = new Map<string, Listener>();
  /** The topics the server has local subscribers of (the rest are held by handoffs). */
  readonly #wanted = new Set<string>();
  /** Topics kept subscribed while a session is handed over to this process, with a count. */
  readonly #held = new Map<string, number>();
  readonly #handoff: Handoff;
  #state: "idle" | "starting" | "started" | "stopped" = "idle";
  #publisher: Connection | undefined;
  #subscriber: Connection | undefined;
  #deliver: Deliver | undefined;
  #droppedThisOutage = 0;

  constructor(options: RedisPubSubOptions) {
    this.#options = resolveConnection(options);
    this.prefix = options.prefix ?? DEFAULTS.prefix;
    this.nodeId = options.nodeId ?? defaultNodeId();
    const id = nodeIdBytes(this.nodeId);
    this.#writer = new EnvelopeWriter(id);
    this.#reader = new EnvelopeReader(id);
    const handoffTimeoutMs = options.handoffTimeoutMs ?? DEFAULTS.handoffTimeoutMs;
    checkDelay("handoffTimeoutMs", handoffTimeoutMs);
    const report = (error: unknown) => this.#publisher?.report(error);
    const publisher = () => (this.#publisher?.isReady ? this.#publisher.client : undefined);
    this.#handoff = new Handoff(
      {
        nodeId: this.nodeId,
        prefix: this.prefix,
        publisher,
        listen: (channel, listener) =>
          this.#subscriber?.isReady
            ? this.#subscriber.client.subscribe(channel, listener, true)
            : Promise.reject(new RedisPubSubError("COMMAND_FAILED", "Redis is unreachable")),
        unlisten: (channel, listener) => {
          if (this.#subscriber?.isReady)
            this.#subscriber.client
              .unsubscribe(channel, listener, true)
              .catch(this.#subscriptionFailed);
        },
        hold: (topic) => this.#hold(topic),
        unhold: (topic) => this.#unhold(topic),
        released: (session, state) => {
          this.recovery.saved(session, state);
          this.recovery.forget(session);
        },
        report,
      },
      handoffTimeoutMs,
    );
    this.recovery = new RedisRecoveryStore(
      { nodeId: this.nodeId, prefix: this.prefix, publisher, report },
      this.#handoff,
    );
  }

  /** True while both connections to Redis are up. */
  get connected(): boolean {
    return (this.#publisher?.isReady ?? false) && (this.#subscriber?.isReady ?? false);
  }

  /** The topics whose Redis channels this process wants to hear (always including broadcast). */
  get topics(): ReadonlySet<string> {
    return new Set(this.#listeners.keys());
  }

  async start(deliver: Deliver): Promise<void> {
    if (this.#state === "starting" || this.#state === "started") {
      throw new RedisPubSubError("STOPPED", "the Redis adapter is already started");
    }
    this.#state = "starting";
    this.#deliver = deliver;
    this.#listeners.clear();
    this.#listeners.set(BROADCAST_TOPIC, this.#listenerFor(BROADCAST_TOPIC));
    // With recovery on: this process's node channel, for handoffs (a pseudo-topic, never wanted).
    const node = this.recovery.attached
      ? this.#handoff.channel.slice(this.prefix.length)
      : undefined;
    if (node !== undefined) this.#listeners.set(node, this.#handoff.control);
    const publisher = new Connection(
      "publisher",
      this.#options,
      { lost: () => this.#connectionLost(), ready: (again) => again && this.#publisherBack() },
      `switchboard:pub:${this.nodeId}`,
    );
    const subscriber = new Connection(
      "subscriber",
      this.#options,
      { lost: () => this.#connectionLost(), ready: (again) => again && this.#resubscribe() },
      `switchboard:sub:${this.nodeId}`,
    );
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    try {
      await Promise.all([publisher.open(), subscriber.open()]);
      await subscriber.client.subscribe(
        channelOf(this.prefix, BROADCAST_TOPIC),
        this.#listeners.get(BROADCAST_TOPIC)!,
        true,
      );
      if (node !== undefined)
        await subscriber.client.subscribe(this.#handoff.channel, this.#handoff.control, true);
    } catch (error) {
      this.#state = "stopped";
      await Promise.all([publisher.close(), subscriber.close()]);
      throw error;
    }
    this.#state = "started";
  }

  publish(topic: string, payload: Uint8Array, binary: boolean): void {
    if (this.#handoff.active) this.#handoff.published(topic, payload, binary);
    const publisher = this.#publisher;
    if (this.#state !== "started" || !publisher?.isReady) {
      this.#drop(publisher);
      return;
    }
    this.stats.published++;
    publisher.client
      .publish(channelOf(this.prefix, topic), this.#writer.write(payload, binary))
      .catch(this.#publishFailed);
  }

  subscribe(topic: string): void {
    if (topic === BROADCAST_TOPIC) return;
    this.#wanted.add(topic);
    this.#listen(topic);
  }

  /** Subscribes `topic`'s Redis channel if it is not yet; resolves once Redis confirmed. */
  #listen(topic: string): Promise<void> {
    if (this.#listeners.has(topic)) return Promise.resolve();
    const listener = this.#listenerFor(topic);
    this.#listeners.set(topic, listener);
    // While disconnected nothing is sent: #resubscribe brings Redis in line on reconnection.
    if (this.#state === "started" && this.#subscriber?.isReady) {
      const subscribing = this.#subscriber.client.subscribe(
        channelOf(this.prefix, topic),
        listener,
        true,
      );
      subscribing.catch(this.#subscriptionFailed);
      return subscribing;
    }
    return Promise.resolve();
  }

  unsubscribe(topic: string): void {
    this.#wanted.delete(topic);
    if (!this.#held.has(topic)) this.#unlisten(topic);
  }

  #hold(topic: string): Promise<void> {
    this.#held.set(topic, (this.#held.get(topic) ?? 0) + 1);
    return this.#listen(topic);
  }

  #unhold(topic: string): void {
    const count = (this.#held.get(topic) ?? 1) - 1;
    if (count > 0) {
      this.#held.set(topic, count);
      return;
    }
    this.#held.delete(topic);
    if (!this.#wanted.has(topic)) this.#unlisten(topic);
  }

  #unlisten(topic: string): void {
    const listener = this.#listeners.get(topic);
    if (topic === BROADCAST_TOPIC || !listener) return;
    this.#listeners.delete(topic);
    if (this.#state === "started" && this.#subscriber?.isReady) {
      this.#subscriber.client
        .unsubscribe(channelOf(this.prefix, topic), listener, true)
        .catch(this.#subscriptionFailed);
    }
  }

  /** Closes both connections. Publishes after this are dropped. */
  async stop(): Promise<void> {
    if (this.#state === "idle" || this.#state === "stopped") return;
    this.#state = "stopped";
    await Promise.all([this.#publisher?.close(), this.#subscriber?.close()]);
    this.#listeners.clear();
    this.#wanted.clear();
    this.#held.clear();
  }

  #listenerFor(topic: string): Listener {
    return (message) => this.#receive(topic, message);
  }

  #receive(topic: string, message: Buffer): void {
    const envelope = this.#reader.read(message);
    if (envelope === "own") return;
    if (envelope === "malformed") {
      if (this.stats.malformed++ === 0) {
        this.#subscriber?.report(
          new RedisPubSubError(
            "MALFORMED_MESSAGE",
            `ignored a message on ${channelOf(this.prefix, topic)} that no Switchboard process published (see stats.malformed for more)`,
          ),
        );
      }
      return;
    }
    this.stats.received++;
    if (this.#handoff.active) {
      this.#handoff.observe(topic, senderOf(message), envelope.payload, envelope.binary);
    }
    try {
      this.#deliver?.(topic, envelope.payload, envelope.binary);
    } catch (error) {
      // Never let a failure escape into the Redis client's reply parser.
      this.#subscriber?.report(error);
    }
  }

  #drop(publisher: Connection | undefined): void {
    this.stats.dropped++;
    if (this.#state !== "started" || this.#droppedThisOutage++ > 0) return;
    publisher?.report(
      new RedisPubSubError(
        "PUBLISH_DROPPED",
        "Redis is unreachable: publishes are dropped, not queued, until the connection is back (see stats.dropped)",
      ),
    );
  }

  #connectionLost(): void {
    this.stats.disconnects++;
  }

  #publisherBack(): void {
    const dropped = this.#droppedThisOutage;
    this.#droppedThisOutage = 0;
    if (dropped === 0) return;
    this.#publisher?.report(
      new RedisPubSubError(
        "PUBLISH_DROPPED",
        `reconnected to Redis; ${dropped} publishes were dropped during the outage`,
      ),
    );
  }

  /**
   * After a reconnection the client has resubscribed what it knew; this makes Redis match local
   * interest exactly: subscribes what was missed (a SUBSCRIBE lost in flight, or interest that
   * appeared during the outage) and unsubscribes what is no longer wanted.
   */
  #resubscribe(): void {
    const subscriber = this.#subscriber;
    if (this.#state !== "started" || !subscriber) return;
    const client = subscriber.client;
    const active = client.getPubSubListeners("CHANNELS");
    for (const [channel, listeners] of active) {
      const wanted = this.#listeners.get(channel.slice(this.prefix.length));
      for (const listener of listeners.buffers) {
        if (listener !== wanted)
          client.unsubscribe(channel, listener, true).catch(this.#subscriptionFailed);
      }
    }
    for (const [topic, listener] of this.#listeners) {
      const channel = channelOf(this.prefix, topic);
      if (!active.get(channel)?.buffers.has(listener)) {
        client.subscribe(channel, listener, true).catch(this.#subscriptionFailed);
      }
    }
  }

  readonly #publishFailed = (error: unknown): void => {
    this.stats.unconfirmed++;
    // A lost connection is reported once as CONNECTION_LOST, not once per message in flight.
    if (this.#publisher?.isReady) {
      this.#publisher.report(
        new RedisPubSubError("COMMAND_FAILED", `PUBLISH failed: ${describe(error)}`, {
          cause: error,
        }),
      );
    }
  };

  readonly #subscriptionFailed = (error: unknown): void => {
    // While disconnected, #resubscribe repairs it on reconnection.
    if (this.#subscriber?.isReady) {
      this.#subscriber.report(
        new RedisPubSubError("COMMAND_FAILED", `(UN)SUBSCRIBE failed: ${describe(error)}`, {
          cause: error,
        }),
      );
    }
  };
}

/**
 * Carries `publish()` and `broadcast()` between Switchboard server processes through Redis.
 *
 * @example
 * import { WebServer } from "@switchboard/core";
 * import { wsBackend } from "@switchboard/server-ws";
 * import { redisPubSub } from "@switchboard/pubsub-redis";
 *
 * const server = new WebServer({ backend: wsBackend(), pubsub: redisPubSub({ url: "redis://127.0.0.1:6379" }) });
 * await server.listen({ port: 8080 }); // rejects if Redis cannot be reached within 5 s
 */
export function redisPubSub(options: RedisPubSubOptions): RedisPubSub {
  return new RedisPubSub(options);
}
