import {
  createPeer,
  type EmitArgs,
  EventError,
  type EventOptions,
  type EventPeer,
  type EventSpec,
  type Frame,
  type NameOf,
  type Part,
  type PayloadOf,
  peerConfig,
  type RequestArgs,
  type ResponseOf,
} from "@switchboard/protocol";
import type { WebSocketClientBase } from "./client.js";
import { ClientError } from "./errors.js";
import { createInbox, type Inbox } from "./inbox.js";
import { addLayer } from "./layer.js";
import { guard, report } from "./report.js";

type Emits<S extends EventSpec> = Part<S, "clientEvents">;
type Hears<S extends EventSpec> = Part<S, "serverEvents">;
type Asks<S extends EventSpec> = Part<S, "clientRequests">;
type Answers<S extends EventSpec> = Part<S, "serverRequests">;

/** Options of `new EventClient(client, options)`. */
export interface EventClientOptions<S extends EventSpec> extends EventOptions<S> {
  /** Events of one name kept for `next()` and `stream()` until read; the oldest go first. Default 1000. */
  maxUnreadEvents?: number;
}

/** How many event names nobody listens to may have payloads kept for a later `next()`. */
const MAX_UNASKED_NAMES = 100;

/** A kept payload, in a box. */
type Boxed = [payload: unknown];

/** Clients that have an EventClient: one each. */
const attached = new WeakSet<WebSocketClientBase>();

/** The close code a client sends after `maxInvalidPayloads` invalid messages from the server. */
export const INVALID_CLOSE_CODE = 4008;

/**
 * Typed events and requests on a WebSocket client. It offers the events protocol
 * (`switchboard.v1.json`) in every upgrade; raw `send`, `onMessage` and `nextMessage()` keep
 * working beside it.
 *
 * @example
 * const client = new WebSocketClient({ reconnect: true });
 * const chat = new EventClient<Chat>(client, { schemas });
 * chat.on("message", ({ from, text }) => print(`${from}: ${text}`));
 * await client.connect("ws://127.0.0.1:8080/chat");
 * chat.emit("message", "hello");
 * const users = await chat.request("clients", undefined, { timeoutMs: 2000 });
 */
export class EventClient<S extends EventSpec = EventSpec> {
  /** The subprotocol offered, e.g. `switchboard.v1.json`. */
  readonly protocol: string;
  /** The raw client. */
  readonly client: WebSocketClientBase;
  readonly #peer: EventPeer;
  readonly #listeners = new Map<string, ((payload: never) => unknown)[]>();
  readonly #answerers = new Map<string, (payload: never) => unknown>();
  /** Per event name, created by the first `next()` or by an event nobody listens to. */
  readonly #inboxes = new Map<string, Inbox<Boxed>>();
  readonly #limit: number;
  /** Events dropped because their names were past `MAX_UNASKED_NAMES`. */
  #unasked = 0;
  #negotiated: boolean | undefined;

  constructor(client: WebSocketClientBase, options: EventClientOptions<S> = {}) {
    // Its connection must offer the protocol from the first upgrade on.
    if (attached.has(client) || client.state !== "closed") {
      throw new EventError("INVALID_OPTION", "make one EventClient per client, before connect()");
    }
    attached.add(client);
    const config = peerConfig(false, options);
    const protocol = config.protocol;
    const inboxes = this.#inboxes;
    this.protocol = protocol;
    this.client = client;
    this.#limit = options.maxUnreadEvents ?? 1000;
    /** Whether a send goes straight onto an open connection. */
    let live = () => false;
    /** A connection whose session recovery may resume ended: its requests wait for the next. */
    let away = false;
    /** Answers made meanwhile, sent only if the session resumes. */
    let held: Frame[] = [];
    const peer = createPeer(config, {
      write: (frame, reply) => {
        const now = live();
        // An answer goes on its request's session or nowhere: queued for the next connection,
        // it could answer another request there with the same id.
        if (reply && !now) {
          if (away) held.push(frame);
          return false;
        }
        client.send(frame);
        return now;
      },
      event: (name, payload) => this.#dispatch(name, payload),
      answerer: (name) => this.#answerers.get(name) as ((data: unknown) => unknown) | undefined,
      report: (error) => report(client, error),
      invalid: (error, tooMany) => {
        report(client, error);
        if (tooMany) void client.close(INVALID_CLOSE_CODE, "too many invalid messages");
      },
    });
    this.#peer = peer;
    // Offers the protocol, reads envelopes before the raw callbacks, and sees every close.
    live = addLayer(client, {
      protocol,
      opened: (transport) => {
        // Queued by the client: they go out right after this, before anything new.
        if (away && !client.recovered) peer.closed(false);
        else for (const frame of held) client.send(frame);
        away = false;
        held = [];
        this.#negotiated = transport.protocol === protocol;
        peer.opened();
      },
      received: (payload, binary) => !!this.#negotiated && peer.receive(payload, binary),
      // Requests written on a connection that ended will never be answered, unless recovery
      // resumes its session; queued ones wait until the client closes.
      closed: (final, resumable) => {
        away = !final && !!resumable;
        if (away) return;
        held = [];
        peer.closed(final);
        if (final) for (const inbox of inboxes.values()) inbox.end();
      },
    });
  }

  /** Whether the open connection speaks the events protocol; undefined before the first open. */
  get negotiated(): boolean | undefined {
    return this.#negotiated;
  }

  /**
   * Sends an event (queued while reconnecting, as `send` is). Returns what `send` returns.
   * Check `negotiated`: a server without an `EventHub` takes events for raw messages.
   */
  emit<K extends NameOf<Emits<S>>>(event: K, ...[payload]: EmitArgs<Emits<S>[K]>): boolean {
    return this.client.send(this.#peer.encode("e", event, payload));
  }

  /**
   * Asks the server and resolves with its answer (queued while reconnecting). Rejects with an
   * `EventError`: `TIMEOUT`, `CHANNEL_CLOSED`, `TOO_MANY_REQUESTS`, `INVALID_PAYLOAD`, or the
   * server's own failure (`HANDLER_FAILED`, `UNKNOWN_EVENT`…, with `remote` true).
   */
  request<K extends NameOf<Asks<S>>>(
    name: K,
    ...[payload, options]: RequestArgs<PayloadOf<Asks<S>[K]>>
  ): Promise<ResponseOf<Asks<S>[K]>> {
    return this.#peer.request(name, payload, options) as Promise<ResponseOf<Asks<S>[K]>>;
  }

  /** Calls `handler` for each `event` from the server. Returns a function that removes it. */
  on<K extends NameOf<Hears<S>>>(event: K, handler: (payload: Hears<S>[K]) => unknown): () => void {
    const list = this.#listeners.get(event) ?? [];
    list.push(handler as never);
    this.#listeners.set(event, list);
    return () => {
      list.splice(list.indexOf(handler as never) >>> 0, 1);
      if (!list.length) this.#listeners.delete(event);
    };
  }

  /** Answers a request the server makes: return (or resolve) the response. */
  handle<K extends NameOf<Answers<S>>>(
    name: K,
    handler: (
      payload: PayloadOf<Answers<S>[K]>,
    ) => ResponseOf<Answers<S>[K]> | PromiseLike<ResponseOf<Answers<S>[K]>>,
  ): this {
    this.#answerers.set(name, handler as never);
    return this;
  }

  /**
   * The payload of the next `event` from the server, including one that arrived before the
   * call while nobody listened to it. Rejects with `CLOSED` once the client closed, `TIMEOUT`
   * after `timeout` ms.
   *
   * @example
   * const count = await chat.next("online", { timeout: 5000 });
   */
  async next<K extends NameOf<Hears<S>>>(
    event: K,
    options: { timeout?: number } = {},
  ): Promise<Hears<S>[K]> {
    const item = await this.#inbox(event).next(options.timeout);
    if (!item) throw new ClientError("CLOSED");
    return item[0] as never;
  }

  /**
   * Every `event` from the server, in order, until the client closes (`break` to stop).
   *
   * @example
   * for await (const line of chat.stream("message")) print(line.text);
   */
  async *stream<K extends NameOf<Hears<S>>>(event: K): AsyncIterableIterator<Hears<S>[K]> {
    const inbox = this.#inbox(event);
    for (let item = await inbox.next(); item; item = await inbox.next()) yield item[0] as never;
  }

  #inbox(event: string): Inbox<Boxed> {
    let inbox = this.#inboxes.get(event);
    if (!inbox) {
      inbox = createInbox(this.#limit, () => this.client.state === "closed");
      this.#inboxes.set(event, inbox);
    }
    return inbox;
  }

  #dispatch(name: string, payload: unknown): true {
    const { client } = this;
    const listeners = this.#listeners.get(name);
    for (const listener of listeners?.slice() ?? [])
      guard(client, () => listener(payload as never));
    // Kept for next() unless only listeners want it; the server may emit events a page ignores.
    // Names nobody asked for are kept for at most MAX_UNASKED_NAMES: a server inventing a new
    // name per event must not grow the client without bound.
    const inboxes = this.#inboxes;
    const inbox =
      listeners || (!inboxes.has(name) && inboxes.size >= MAX_UNASKED_NAMES)
        ? inboxes.get(name)
        : this.#inbox(name);
    // Boxed: a payload of 0, "" or undefined must not read as the end. Reported once per
    // inbox until it is read, and once for the names past the bound.
    if (inbox ? inbox.push([payload]) : !listeners && !this.#unasked++)
      report(client, new ClientError("MESSAGES_DROPPED", name));
    return true;
  }
}
