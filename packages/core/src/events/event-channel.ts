import type {
  EmitArgs,
  EventPeer,
  EventSpec,
  NameOf,
  Part,
  PayloadOf,
  RequestArgs,
  ResponseOf,
} from "@switchboard/protocol";
import type { Channel } from "../channel.js";

type Emits<S extends EventSpec> = Part<S, "serverEvents">;
type Asks<S extends EventSpec> = Part<S, "serverRequests">;

/**
 * One connection that negotiated the events protocol, as typed event handlers receive it:
 * `emit` and `request` take only what the spec declares. The raw channel stays at `channel`.
 *
 * @example
 * hub.on("message", (channel, text) => channel.emit("message", { from: channel.data.name, text }));
 */
export class EventChannel<S extends EventSpec = EventSpec, Data = unknown> {
  /** The raw channel: `send`, `close`, `drain`, topics. */
  readonly channel: Channel<Data>;
  readonly #peer: EventPeer;

  /** @internal Made by the hub when a channel opens. */
  constructor(channel: Channel<Data>, peer: EventPeer) {
    this.channel = channel;
    this.#peer = peer;
  }

  /** The raw channel's id. */
  get id(): number {
    return this.channel.id;
  }

  /** The raw channel's per-connection state. */
  get data(): Data {
    return this.channel.data;
  }
  /** Replaces the raw channel's per-connection state. */
  set data(value: Data) {
    this.channel.data = value;
  }

  /**
   * Sends an event to this client. Returns false when the buffer is past `highWaterMark`, as
   * `send` does; throws `CHANNEL_CLOSED` or `BUFFER_OVERFLOW` as `send` does, and a TypeError
   * for a payload JSON cannot encode (a cycle, a BigInt).
   */
  emit<K extends NameOf<Emits<S>>>(event: K, ...[payload]: EmitArgs<Emits<S>[K]>): boolean {
    return this.channel.send(this.#peer.encode("e", event, payload));
  }

  /**
   * Asks the client and resolves with its answer. Rejects with an `EventError`: `TIMEOUT`,
   * `CHANNEL_CLOSED`, `TOO_MANY_REQUESTS`, `INVALID_PAYLOAD` (the answer failed its schema), or
   * the client's own failure (`HANDLER_FAILED`, `UNKNOWN_EVENT`…, with `remote` true).
   *
   * @example
   * const ok = await channel.request("confirm", { question: "leave?" }, { timeoutMs: 5000 });
   */
  request<K extends NameOf<Asks<S>>>(
    name: K,
    ...[payload, options]: RequestArgs<PayloadOf<Asks<S>[K]>>
  ): Promise<ResponseOf<Asks<S>[K]>> {
    return this.#peer.request(name, payload, options) as Promise<ResponseOf<Asks<S>[K]>>;
  }

  /** Requests this server made to the client that wait for an answer. */
  get pendingRequests(): number {
    return this.#peer.pending();
  }

  /** Invalid messages the client sent so far. */
  get invalidCount(): number {
    return this.#peer.invalid();
  }
}
