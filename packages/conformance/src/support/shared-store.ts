import {
  BROADCAST_TOPIC,
  type ClaimedSession,
  type HandoffMessage,
  type PubSubAdapter,
  type RecoveryHandler,
  type RecoveryStore,
  type StoredMessage,
  type StoredSession,
} from "@switchboard/core/pubsub";

/** A session as the bus keeps it: its state, who holds it, and its last messages. */
interface Entry {
  owner: BusAdapter;
  state: StoredSession | undefined;
  /** The number of the last message appended. */
  last: number;
  /** Messages `last - messages.length + 1` … `last`. */
  messages: StoredMessage[];
}

/**
 * The servers of one test process, as if they were separate processes behind one message bus:
 * publishes travel between them and recoverable sessions are kept where any of them can resume
 * them. What `@switchboard/pubsub-redis` does through Redis, in memory and synchronously, so
 * that every backend's suite runs a session moving between servers.
 */
export class SharedBus {
  /** The adapters of the servers started so far. */
  readonly adapters = new Set<BusAdapter>();
  /** Recoverable sessions by id. */
  readonly sessions = new Map<string, Entry>();

  /** A `pubsub` adapter for one more server on this bus. */
  adapter(): PubSubAdapter {
    return new BusAdapter(this);
  }
}

/** A session taken over: publishes to its topics since the owner let go. */
interface Claim {
  topics: ReadonlySet<string>;
  captured: HandoffMessage[];
}

class BusAdapter implements PubSubAdapter, RecoveryStore {
  readonly recovery: RecoveryStore = this;
  readonly #bus: SharedBus;
  readonly #topics = new Set<string>();
  readonly #claims = new Set<Claim>();
  #deliver: ((topic: string, payload: Uint8Array, binary: boolean) => void) | undefined;
  #handler: RecoveryHandler | undefined;
  #maxMessages = 10_000;

  constructor(bus: SharedBus) {
    this.#bus = bus;
  }

  // ---- pub/sub ----------------------------------------------------------------------------------

  async start(deliver: (topic: string, payload: Uint8Array, binary: boolean) => void) {
    this.#deliver = deliver;
    this.#bus.adapters.add(this);
  }

  publish(topic: string, payload: Uint8Array, binary: boolean): void {
    for (const adapter of this.#bus.adapters) {
      // Every server's claims catch it, this one's too: its channel does not exist yet.
      adapter.#catch(topic, payload, binary);
      if (adapter !== this && (topic === BROADCAST_TOPIC || adapter.#topics.has(topic)))
        adapter.#deliver?.(topic, payload.slice(), binary);
    }
  }

  subscribe(topic: string): void {
    this.#topics.add(topic);
  }

  unsubscribe(topic: string): void {
    this.#topics.delete(topic);
  }

  async stop(): Promise<void> {
    this.#bus.adapters.delete(this);
  }

  // ---- the recovery store -----------------------------------------------------------------------

  attach(handler: RecoveryHandler, limits: { maxMessages: number }): void {
    this.#handler = handler;
    this.#maxMessages = limits.maxMessages;
  }

  opened(session: string, state: StoredSession): void {
    this.saved(session, state);
  }

  appended(session: string, seq: number, data: Uint8Array | string, binary: boolean): void {
    const entry = this.#entry(session);
    entry.last = seq;
    entry.messages.push({ data: typeof data === "string" ? data : data.slice(), binary });
    if (entry.messages.length > this.#maxMessages) entry.messages.shift();
  }

  acknowledged(session: string, received: number): void {
    const entry = this.#bus.sessions.get(session);
    if (!entry) return;
    const drop = received - (entry.last - entry.messages.length);
    if (drop > 0) entry.messages.splice(0, drop);
  }

  async counted(session: string, received: number): Promise<void> {
    const state = this.#bus.sessions.get(session)?.state;
    if (state) state.received = received;
  }

  saved(session: string, state: StoredSession): void {
    const entry = this.#entry(session);
    entry.owner = this;
    entry.state = state;
  }

  ended(session: string): void {
    if (this.#bus.sessions.get(session)?.owner === this) this.#bus.sessions.delete(session);
  }

  async claim(session: string, received: number): Promise<ClaimedSession | undefined> {
    const entry = this.#bus.sessions.get(session);
    if (!entry?.state) return undefined;
    const first = entry.last - entry.messages.length + 1;
    const gone = entry.messages.length > 0 ? first > received + 1 : entry.state.sent > received;
    if (gone) {
      // What the client lacks is gone: the holder ends the session.
      entry.owner.#handler?.release(session, true);
      return undefined;
    }
    const final = entry.owner === this ? undefined : entry.owner.#handler?.release(session);
    const state = final ?? entry.state;
    const claim: Claim = { topics: new Set(state.topics), captured: [] };
    this.#claims.add(claim);
    entry.owner = this;
    // As across processes, the new channel is made a moment later: publishes meanwhile are caught.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const messages = entry.messages.slice(Math.max(0, received + 1 - first));
    const take = () => {
      this.#claims.delete(claim);
      return claim.captured.splice(0);
    };
    if (state.sent > received + messages.length) {
      take();
      return undefined;
    }
    return { ...state, messages, takeLive: take, cancel: () => void take() };
  }

  #entry(session: string): Entry {
    let entry = this.#bus.sessions.get(session);
    if (!entry) {
      entry = { owner: this, state: undefined, last: 0, messages: [] };
      this.#bus.sessions.set(session, entry);
    }
    return entry;
  }

  #catch(topic: string, payload: Uint8Array, binary: boolean): void {
    for (const claim of this.#claims) {
      if (topic === BROADCAST_TOPIC || claim.topics.has(topic))
        claim.captured.push({ payload: payload.slice(), binary });
    }
  }
}
