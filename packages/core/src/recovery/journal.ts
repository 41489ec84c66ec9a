import type { Channel } from "../channel.js";
import type { Session } from "./session.js";
import type { RecoveryStore, StoredSession } from "./store.js";

/** What a session tells the journal; every call is cheap (the store pipelines its writes). */
export interface SessionJournal {
  kept(session: Session, data: Uint8Array | string, binary: boolean): void;
  acknowledged(session: Session, received: number): void;
  /** Settles once the count is stored (or failed to be). */
  counted(session: Session): Promise<void>;
  /** The client dropped: the state as it is now, for another process to resume. */
  away(session: Session): void;
  ended(session: Session): void;
  released(session: Session): void;
  /** The server shuts down: the session's last state stays in the store for another process. */
  shutDown(session: Session): void;
}

/**
 * Writes the recoverable sessions of one server to a `RecoveryStore`, so that another process
 * can resume them. Topics and `data` are saved when a session opens, when its client drops, on
 * release, and every third of the window (which also keeps the store's keys alive).
 */
export class Journal implements SessionJournal {
  readonly store: RecoveryStore;
  readonly #topicsOf: (channel: Channel) => ReadonlySet<string>;
  readonly #live = new Set<Session>();
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #periodMs: number;

  constructor(
    store: RecoveryStore,
    windowMs: number,
    topicsOf: (channel: Channel) => ReadonlySet<string>,
  ) {
    this.store = store;
    this.#topicsOf = topicsOf;
    this.#periodMs = Math.max(1000, Math.floor(windowMs / 3));
  }

  /** The state of a session's channel as the store keeps it. */
  state(session: Session): StoredSession {
    const channel = session.connection.channel;
    return {
      url: channel.url,
      protocol: channel.protocol,
      data: toJson(channel.data),
      topics: [...this.#topicsOf(channel)],
      received: session.inbound.received,
      sent: session.outbound.sent,
    };
  }

  opened(session: Session): void {
    this.#live.add(session);
    this.store.opened(session.id, this.state(session));
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#saveAll(), this.#periodMs);
      this.#timer.unref?.();
    }
  }

  kept(session: Session, data: Uint8Array | string, binary: boolean): void {
    this.store.appended(session.id, session.outbound.sent, data, binary);
  }

  acknowledged(session: Session, received: number): void {
    this.store.acknowledged(session.id, received);
  }

  counted(session: Session): Promise<void> {
    return this.store.counted(session.id, session.inbound.received);
  }

  away(session: Session): void {
    this.store.saved(session.id, this.state(session));
  }

  ended(session: Session): void {
    this.#forget(session);
    this.store.ended(session.id);
  }

  /** The session moved to another process: forget it here without deleting it from the store. */
  released(session: Session): void {
    this.#forget(session);
  }

  shutDown(session: Session): void {
    this.#forget(session);
    this.store.saved(session.id, this.state(session));
  }

  #forget(session: Session): void {
    this.#live.delete(session);
    if (this.#live.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #saveAll(): void {
    for (const session of this.#live) this.store.saved(session.id, this.state(session));
  }
}

/** `data` as JSON: undefined stays undefined, and what JSON cannot hold is null (not resumable). */
function toJson(data: unknown): string | undefined | null {
  if (data === undefined) return undefined;
  try {
    const json = JSON.stringify(data);
    return typeof json === "string" ? json : null;
  } catch {
    return null;
  }
}
