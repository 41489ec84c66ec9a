import { Channel, connectionOf, type SendData } from "./channel.js";
import { SwitchboardError } from "./errors.js";
import { type BroadcastOptions, fanOut, type PreparedMessage, prepareMessage } from "./fanout.js";
import { BROADCAST_TOPIC, type PubSubAdapter } from "./pubsub.js";
import type { PublishLog } from "./recovery/publish-log.js";
import { keptCopy, Session } from "./recovery/session.js";
import type { Backend, EngineSocket } from "./seam.js";
import { EVERYONE_TOPIC, engineTopic, Topics } from "./topics.js";

/**
 * Broadcasts, topics and the pub/sub adapter of one server: local delivery through the engine's
 * own publish where it has one (else channel by channel), and every publish handed to the
 * adapter for the other server processes.
 */
export class Publishing {
  readonly #channels: ReadonlySet<Channel>;
  readonly #backend: Backend;
  readonly #pubsub: PubSubAdapter | undefined;
  readonly #topics = new Topics();
  readonly #report: (error: unknown) => void;

  constructor(
    channels: ReadonlySet<Channel>,
    backend: Backend,
    pubsub: PubSubAdapter | undefined,
    report: (error: unknown) => void,
  ) {
    this.#channels = channels;
    this.#backend = backend;
    this.#pubsub = pubsub;
    this.#report = report;
  }

  broadcast(data: SendData, options: BroadcastOptions): number {
    const message = prepareMessage(data, options.opcode);
    this.#toPubSub((pubsub) => pubsub.publish(BROADCAST_TOPIC, message.payload, message.binary));
    return this.#publishLocally(null, message, options.exclude);
  }

  publish(topic: string, data: SendData, options: BroadcastOptions): number {
    if (typeof topic !== "string" || topic === "" || topic === BROADCAST_TOPIC) {
      throw new SwitchboardError(
        "INVALID_ARGUMENT",
        `cannot publish to topic ${JSON.stringify(topic)}`,
      );
    }
    const message = prepareMessage(data, options.opcode);
    this.#toPubSub((pubsub) => pubsub.publish(topic, message.payload, message.binary));
    return this.#publishLocally(topic, message, options.exclude);
  }

  subscribe(channel: Channel, topic: string): void {
    if (!channel.isOpen)
      throw new SwitchboardError("CHANNEL_CLOSED", `channel ${channel.id} is closed`);
    const first = this.#topics.subscribe(channel, topic);
    connectionOf(channel).socket.subscribe?.(engineTopic(topic));
    if (first) this.#toPubSub((pubsub) => pubsub.subscribe(topic));
  }

  unsubscribe(channel: Channel, topic: string): void {
    if (channel.isOpen) connectionOf(channel).socket.unsubscribe?.(engineTopic(topic));
    if (this.#topics.unsubscribe(channel, topic))
      this.#toPubSub((pubsub) => pubsub.unsubscribe(topic));
  }

  topicsOf(channel: Channel): ReadonlySet<string> {
    return this.#topics.topicsOf(channel);
  }

  subscriberCount(topic: string): number {
    return this.#topics.subscribers(topic).size;
  }

  /** A closing channel leaves its topics; the adapter hears of those left without subscribers. */
  leave(channel: Channel): void {
    for (const topic of this.#topics.leaveAll(channel))
      this.#toPubSub((pubsub) => pubsub.unsubscribe(topic));
  }

  /** Connects the adapter, which from now on brings other processes' publishes. */
  async start(): Promise<void> {
    await this.#pubsub?.start((topic, payload, binary) =>
      this.#deliverRemote(topic, payload, binary),
    );
  }

  async stop(): Promise<void> {
    await this.#pubsub?.stop();
  }

  /** Hands something to the pubsub adapter; its failure never stops local delivery. */
  #toPubSub(task: (pubsub: PubSubAdapter) => void): void {
    if (!this.#pubsub) return;
    try {
      task(this.#pubsub);
    } catch (error) {
      this.#report(error);
    }
  }

  /** A message another process published: local delivery only. */
  #deliverRemote(topic: string, payload: Uint8Array, binary: boolean): void {
    const message: PreparedMessage = { payload, binary };
    this.#publishLocally(topic === BROADCAST_TOPIC ? null : topic, message, null);
  }

  /**
   * Local delivery to every channel (`topic` null) or a topic's subscribers: through the engine's
   * own publish when it has one.
   */
  #publishLocally(
    topic: string | null,
    message: PreparedMessage,
    exclude: BroadcastOptions["exclude"],
  ): number {
    const recipients = topic === null ? this.#channels : this.#topics.subscribers(topic);
    if (this.#backend.publish && (!exclude || exclude instanceof Channel)) {
      const excluded = exclude as Channel | null | undefined;
      const published = this.#publishNatively(topic, recipients, message, excluded);
      if (published !== undefined) return published;
    }
    return fanOut(recipients, message, exclude);
  }

  /**
   * Delivery through the engine's own publish, when every recipient can take the message as a
   * whole now; undefined when one cannot (closing, mid-fragment, buffer full), so the caller
   * falls back to sending channel by channel, which applies the per-channel policy. A recovering
   * channel's engine socket is in the engine topics too: the engine delivers, and its session
   * numbers and keeps the message (one copy for all): a connected one later, from the log the
   * publish is written to once; an away one (which the engine does not reach) at once.
   */
  #publishNatively(
    topic: string | null,
    channels: Iterable<Channel>,
    message: PreparedMessage,
    exclude: Channel | null | undefined,
  ): number | undefined {
    if (exclude && !exclude.isOpen) return undefined;
    // A recovering client gets such a text message escaped: not what the engine would publish.
    const escaped = !message.binary && message.payload[0] === CONTROL_MARK;
    const size = message.payload.byteLength;
    /**
     * Recipients the engine delivers to; the log connected sessions take the message in from;
     * the sessions that keep it at once (away ones, and every one with a journal).
     */
    let reached = 0;
    let log: PublishLog | undefined;
    let keeping: Session[] | undefined;
    for (const channel of channels) {
      if (channel === exclude) continue;
      const connection = connectionOf(channel);
      if (!connection.admitsWhole(size)) return undefined;
      const socket = connection.socket;
      if (socket instanceof Session) {
        if (escaped) return undefined;
        const sessionLog = socket.log;
        if (sessionLog) log = sessionLog;
        else {
          keeping ??= [];
          keeping.push(socket);
          if (socket.away) continue;
        }
      }
      reached++;
    }
    const name = topic === null ? EVERYONE_TOPIC : engineTopic(topic);
    if (reached > 0)
      this.#backend.publish?.(name, message.payload, message.binary, engineOf(exclude));
    if (!log && !keeping) return reached;
    // One copy for all. Logged right after the publish, before an away session that ends here
    // (its window full) runs onWsClose, which may publish again: that message must follow this
    // one for everybody.
    const kept = keptCopy(message);
    const excluded = exclude && connectionOf(exclude).socket;
    log?.append(name, kept, excluded instanceof Session ? excluded : undefined);
    let delivered = reached;
    for (const session of keeping ?? []) {
      const away = session.away;
      try {
        session.keepShared(kept);
        if (away) delivered++;
      } catch (error) {
        if (!(error instanceof SwitchboardError)) throw error;
      }
    }
    return delivered;
  }
}

/** The first byte of a recovery control message (U+001F). */
const CONTROL_MARK = 0x1f;

/** The engine socket a publish leaves out: a recovering channel's current one (none while away). */
function engineOf(exclude: Channel | null | undefined): EngineSocket | undefined {
  if (!exclude) return undefined;
  const socket = connectionOf(exclude).socket;
  return socket instanceof Session ? socket.engine : socket;
}
