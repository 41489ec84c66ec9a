import {
  checkEventOptions,
  createPeer,
  type EmitArgs,
  type EventError,
  type EventOptions,
  type EventPeer,
  type EventSpec,
  type NameOf,
  type Part,
  type PayloadOf,
  type PeerConfig,
  peerConfig,
  type ResponseOf,
  strictCodec,
} from "@switchboard/protocol";
import type { Channel } from "../channel.js";
import { CloseCode } from "../opcode.js";
import type { WebServer } from "../server.js";
import { isThenable } from "../thenable.js";
import { EventChannel } from "./event-channel.js";
import type { MessageLayer } from "./layer.js";

type Handles<S extends EventSpec> = Part<S, "clientEvents">;
type Answers<S extends EventSpec> = Part<S, "clientRequests">;
type Emits<S extends EventSpec> = Part<S, "serverEvents">;

/** The topic every events channel is subscribed to, for `EventHub.broadcast` on every process. */
export const EVENTS_TOPIC = "\u0000events";

/** Options of `new EventHub(server, options)`. */
export interface EventHubOptions<S extends EventSpec, Data = unknown> extends EventOptions<S> {
  /** Called for each invalid message a client sends (after it was answered and counted). */
  onInvalid?(channel: EventChannel<S, Data>, error: EventError): void;
}

/** Options of `broadcast()` and `publish()` of events. */
export interface EventBroadcastOptions<S extends EventSpec, Data> {
  /** A channel that should not get the event, typically the sender. */
  exclude?: EventChannel<S, Data> | Channel<Data> | null;
}

/** What the hub's policies did, for monitoring. */
export interface EventHubStats {
  /** Invalid messages received: malformed envelopes, failed schemas, unknown events. */
  invalid: number;
  /** Channels closed (1008) for sending `maxInvalidPayloads` invalid messages. */
  closedForInvalid: number;
}

/**
 * Typed events and requests on a `WebServer`, for clients that negotiate the events protocol
 * (`switchboard.v1.json`). Other clients are not affected: they keep the raw callbacks, and
 * raw messages keep working on events connections too.
 *
 * @example
 * const hub = new EventHub<Chat>(server, { schemas });
 * hub.on("message", (channel, text) => hub.broadcast("message", { from: channel.id, text }));
 * hub.handle("clients", () => [...server.channels].map((channel) => channel.id));
 */
export class EventHub<S extends EventSpec = EventSpec, Data = unknown> {
  /** The subprotocol clients offer to use events, e.g. `switchboard.v1.json`. */
  readonly protocol: string;
  /** What the hub's policies did so far. */
  readonly stats: EventHubStats = { invalid: 0, closedForInvalid: 0 };
  readonly #server: WebServer<Data>;
  readonly #config: PeerConfig;
  readonly #onInvalid: EventHubOptions<S, Data>["onInvalid"];
  readonly #channels = new Map<Channel, { events: EventChannel<S, Data>; peer: EventPeer }>();
  readonly #handlers = new Map<
    string,
    ((channel: EventChannel<S, Data>, payload: never) => unknown)[]
  >();
  readonly #answerers = new Map<
    string,
    (channel: EventChannel<S, Data>, payload: never) => unknown
  >();

  constructor(server: WebServer<Data>, options: EventHubOptions<S, Data> = {}) {
    checkEventOptions(options);
    const config = peerConfig(true, options);
    // Clients are untrusted: every envelope is checked field by field.
    this.#config = { ...config, codec: strictCodec(config.codec) };
    this.protocol = this.#config.protocol;
    this.#server = server;
    this.#onInvalid = options.onInvalid;
    server.attachLayer(this.#layer());
  }

  /**
   * Handles an event the clients emit; the payload has passed its schema, if there is one.
   * Several handlers may take the same event. Returns a function that removes the handler.
   * A client event nobody handles is answered with `UNKNOWN_EVENT` and counted as invalid.
   */
  on<K extends NameOf<Handles<S>>>(
    event: K,
    handler: (channel: EventChannel<S, Data>, payload: Handles<S>[K]) => unknown,
  ): () => void {
    const list = this.#handlers.get(event) ?? [];
    list.push(handler as never);
    this.#handlers.set(event, list);
    return () => {
      const index = list.indexOf(handler as never);
      if (index >= 0) list.splice(index, 1);
      if (list.length === 0) this.#handlers.delete(event);
    };
  }

  /**
   * Answers a request the clients make: return (or resolve) the response. A handler that throws
   * sends the client `HANDLER_FAILED` (details go to `onError`), unless it throws an
   * `EventError`, whose code and message the client then gets.
   */
  handle<K extends NameOf<Answers<S>>>(
    name: K,
    handler: (
      channel: EventChannel<S, Data>,
      payload: PayloadOf<Answers<S>[K]>,
    ) => ResponseOf<Answers<S>[K]> | PromiseLike<ResponseOf<Answers<S>[K]>>,
  ): this {
    this.#answerers.set(name, handler as never);
    return this;
  }

  /** The typed view of a channel, or undefined when it did not negotiate events. */
  of(channel: Channel<Data>): EventChannel<S, Data> | undefined {
    return this.#channels.get(channel)?.events;
  }

  /**
   * Sends an event to every events channel, on every server process with a `pubsub` adapter.
   * Plain WebSocket clients do not get it. Returns how many local channels got it.
   */
  broadcast<K extends NameOf<Emits<S>>>(
    event: K,
    ...args: [...EmitArgs<Emits<S>[K]>, EventBroadcastOptions<S, Data>?]
  ): number {
    return this.#publish(EVENTS_TOPIC, event, args[0], args[1] as EventBroadcastOptions<S, Data>);
  }

  /**
   * Sends an event to a topic's subscribers (`server.subscribe(channel, topic)`), as
   * `server.publish` does. Subscribe only events channels to a topic you publish events to.
   */
  publish<K extends NameOf<Emits<S>>>(
    topic: string,
    event: K,
    ...args: [...EmitArgs<Emits<S>[K]>, EventBroadcastOptions<S, Data>?]
  ): number {
    return this.#publish(topic, event, args[0], args[1] as EventBroadcastOptions<S, Data>);
  }

  #publish(
    topic: string,
    event: string,
    payload: unknown,
    options: EventBroadcastOptions<S, Data> | undefined,
  ): number {
    const id = this.#config.nextId();
    const frame = this.#config.codec.encode(
      payload === undefined ? [id, "e", event] : [id, "e", event, payload],
    );
    const exclude = options?.exclude;
    return this.#server.publish(topic, frame, {
      exclude: exclude instanceof EventChannel ? exclude.channel : exclude,
    });
  }

  #layer(): MessageLayer {
    return {
      opened: (channel) => {
        if (channel.protocol !== this.protocol) return;
        const raw = channel as Channel<Data>;
        let events: EventChannel<S, Data>;
        const peer = createPeer(this.#config, {
          write: (frame) => {
            raw.send(frame);
            return true;
          },
          event: (name, data) => this.#dispatch(events, name, data),
          answerer: (name) => {
            const handler = this.#answerers.get(name);
            return handler && ((data) => handler(events, data as never));
          },
          report: (error) => this.#report(error, raw),
          invalid: (error, tooMany) => this.#invalid(events, error, tooMany),
        });
        events = new EventChannel<S, Data>(raw, peer);
        this.#channels.set(channel, { events, peer });
        // A channel that opens while the server shuts down is already closing.
        if (raw.isOpen) this.#server.subscribe(raw, EVENTS_TOPIC);
      },
      message: (channel, data, binary) => {
        const entry = this.#channels.get(channel);
        return entry ? entry.peer.receive(data, binary) : false;
      },
      closed: (channel) => {
        const entry = this.#channels.get(channel);
        if (!entry) return;
        this.#channels.delete(channel);
        entry.peer.closed(true);
      },
    };
  }

  #dispatch(channel: EventChannel<S, Data>, name: string, data: unknown): boolean {
    const handlers = this.#handlers.get(name);
    if (!handlers) return false;
    for (const handler of handlers.slice()) {
      try {
        const result = handler(channel, data as never);
        if (isThenable(result)) {
          Promise.resolve(result).catch((error: unknown) => this.#report(error, channel.channel));
        }
      } catch (error) {
        this.#report(error, channel.channel);
      }
    }
    return true;
  }

  #invalid(channel: EventChannel<S, Data>, error: EventError, tooMany: boolean): void {
    this.stats.invalid++;
    try {
      this.#onInvalid?.(channel, error);
    } catch (secondary) {
      this.#report(secondary, channel.channel);
    }
    if (tooMany && channel.channel.isOpen) {
      this.stats.closedForInvalid++;
      channel.channel.close(CloseCode.POLICY_VIOLATION, "too many invalid messages");
    }
  }

  #report(error: unknown, channel: Channel<Data>): void {
    try {
      this.#server.onError(error, { source: "events", channel });
    } catch (secondary) {
      console.error("[switchboard] onError threw:", secondary, "while reporting:", error);
    }
  }
}
