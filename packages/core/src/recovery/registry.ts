import { encodeControl, innerProtocol, readAck, readText } from "@switchboard/protocol";
import type { Channel } from "../channel.js";
import type { Connection } from "../connection.js";
import { CloseCode } from "../opcode.js";
import type { EngineSocket, SocketEvents } from "../seam.js";
import { type AdoptChannel, type ClaimingHello, Handoffs } from "./handoff.js";
import { Journal } from "./journal.js";
import type { ResolvedRecovery } from "./options.js";
import { PublishLog } from "./publish-log.js";
import { Session, type SessionOwner } from "./session.js";
import type { RecoveryStore } from "./store.js";

/** Control messages arrive as bytes on some engines; one decoder for all (making one costs µs). */
const decoder = new TextDecoder();

/** How long a recovering client may take to say hello after the upgrade. */
const HELLO_TIMEOUT_MS = 10_000;

/** What the registry needs from the server. */
export interface RecoveryHost {
  /** Makes the channel of a new session, with the session as its socket; runs nothing yet. */
  create(socket: EngineSocket, context: unknown, protocol: string): Connection;
  /** Runs `onWsRecover`. */
  recovered(channel: Channel): void;
  isClosing(): boolean;
  /** Whether the engine has its own publish (else a broadcast goes channel by channel). */
  publishes: boolean;
  /** With a store: makes the channel of a session resumed from another process. */
  adopt?: AdoptChannel;
  topicsOf?(channel: Channel): ReadonlySet<string>;
  subscribe?(channel: Channel, topic: string): void;
}

/**
 * The recoverable sessions of one server, by id. An upgrade that agreed to
 * `switchboard.recovery.v1` gets a `Link`, which waits for the client's hello and then either
 * resumes the session it names or starts a new one.
 */
export class Recovery implements SessionOwner {
  readonly limits: ResolvedRecovery;
  readonly #host: RecoveryHost;
  readonly #sessions = new Map<string, Session>();
  /** Sockets that agreed to recovery and have not said hello yet: no channel closes them. */
  readonly greeting = new Set<EngineSocket>();
  /** With a `RecoveryStore` (from the pubsub adapter): sessions are resumable by other processes. */
  readonly journal: Journal | undefined;
  /**
   * With an engine publish and no journal, publishes to connected sessions are logged once for
   * all of them (see `PublishLog`); with a journal, each session writes what it keeps to the
   * store as it goes.
   */
  readonly log: PublishLog | undefined;
  readonly #handoffs: Handoffs | undefined;

  constructor(limits: ResolvedRecovery, host: RecoveryHost, store?: RecoveryStore) {
    this.limits = limits;
    this.#host = host;
    const { adopt, subscribe, topicsOf } = host;
    if (store && adopt && subscribe && topicsOf) {
      this.journal = new Journal(store, limits.windowMs, topicsOf);
      this.#handoffs = new Handoffs(this, this.journal, adopt, subscribe);
    }
    this.log = host.publishes && !this.journal ? new PublishLog() : undefined;
  }

  #greeted: (() => void) | undefined;

  /**
   * Shutdown: sockets still owing their hello get the 1001 channels get. Resolves once they
   * are gone.
   */
  shutDown(): Promise<void> {
    for (const socket of this.greeting) socket.close(CloseCode.GOING_AWAY, "server shutting down");
    return new Promise((resolve) => {
      this.#greeted = resolve;
      if (this.greeting.size === 0) resolve();
    });
  }

  /** Shutdown, `closeTimeoutMs` later: those that did not answer that close are dropped. */
  drop(): void {
    for (const socket of this.greeting) socket.terminate();
    this.greeting.clear();
    this.#greeted?.();
  }

  /** A socket said hello or closed. */
  greeted(socket: EngineSocket): void {
    if (this.greeting.delete(socket) && this.greeting.size === 0) this.#greeted?.();
  }

  /** Whether an agreed subprotocol is a recovery one. */
  claims(protocol: string): boolean {
    return innerProtocol(protocol) !== undefined;
  }

  /** The events of an engine socket that agreed to `protocol`; `context` is its upgrade's. */
  open(socket: EngineSocket, context: unknown, protocol: string): SocketEvents {
    return new Link(this, socket, context, innerProtocol(protocol) ?? "");
  }

  /** Sessions waiting for their client or connected. */
  get size(): number {
    return this.#sessions.size;
  }

  isClosing(): boolean {
    return this.#host.isClosing();
  }

  ended(session: Session): void {
    this.#sessions.delete(session.id);
  }

  recovered(session: Session): void {
    this.#host.recovered(session.connection.channel);
  }

  /** The client's hello: resume the session it names if that is complete, else a new one. */
  hello(
    socket: EngineSocket,
    context: unknown,
    protocol: string,
    id: string | null,
    received: number,
  ): Session {
    const known = id === null ? undefined : this.#sessions.get(id);
    if (known?.canResume(received)) {
      known.resume(socket, received);
      return known;
    }
    // Nothing half-recovered: a session that cannot give the client everything ends now.
    known?.fail();
    return this.fresh(socket, context, protocol);
  }

  /**
   * A hello naming a session this process does not hold: with a store, another process may
   * hold it (see `Handoffs.claim`); undefined without one.
   */
  claim(hello: ClaimingHello): Promise<Session | undefined> | undefined {
    return this.#handoffs?.claim(hello);
  }

  /** The session `id` if this process holds it. */
  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  /** A session taken over from another process exists here from now on. */
  register(session: Session): void {
    this.#sessions.set(session.id, session);
  }

  /** A new session on `socket`: welcomed as such, `onWsOpen` runs. */
  fresh(socket: EngineSocket, context: unknown, protocol: string): Session {
    const session = new Session(crypto.randomUUID(), this);
    this.#sessions.set(session.id, session);
    session.attach(socket);
    session.connection = this.#host.create(session, context, protocol);
    socket.send(encodeControl(["welcome", session.id, false, 0]), false);
    session.connection.open();
    // After onWsOpen's synchronous part, which sets `data` and subscribes topics (and may
    // have closed the channel already).
    if (session.connection.isOpen) this.journal?.opened(session);
    return session;
  }
}

/** The events of one engine socket: first the hello, then the session's traffic. */
class Link implements SocketEvents {
  readonly #recovery: Recovery;
  readonly #socket: EngineSocket;
  readonly #context: unknown;
  readonly #protocol: string;
  #session: Session | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  /** While another process hands the session over: what the client sent meanwhile. */
  #waiting: [data: Uint8Array | string, binary: boolean][] | undefined;

  constructor(recovery: Recovery, socket: EngineSocket, context: unknown, protocol: string) {
    this.#recovery = recovery;
    this.#socket = socket;
    this.#context = context;
    this.#protocol = protocol;
  }

  /** Only while this socket carries the session: a replaced socket's events are ignored. */
  get #current(): Session | undefined {
    const session = this.#session;
    return session?.engine === this.#socket ? session : undefined;
  }

  open(): void {
    if (this.#recovery.isClosing()) {
      this.#socket.close(CloseCode.GOING_AWAY, "server shutting down");
      return;
    }
    this.#timer = setTimeout(
      () => this.#refuse(CloseCode.POLICY_VIOLATION, "no hello"),
      HELLO_TIMEOUT_MS,
    );
    this.#timer.unref?.();
    this.#recovery.greeting.add(this.#socket);
  }

  message(data: Uint8Array | string, binary: boolean): void {
    if (this.#closed) return;
    if (this.#waiting) {
      // The engine may reuse its buffer once this returns.
      this.#waiting.push([
        typeof data === "string" ? data : Uint8Array.prototype.slice.call(data),
        binary,
      ]);
      return;
    }
    if (!this.#session) {
      this.#hello(data, binary);
      return;
    }
    const session = this.#current;
    if (!session) return;
    session.alive();
    if (!binary) {
      const first = typeof data === "string" ? data.charCodeAt(0) : data[0];
      if (first === 0x1f) {
        const acked = readAck(data);
        if (acked !== undefined) {
          if (!session.acknowledged(acked)) {
            this.#refuse(CloseCode.PROTOCOL_ERROR, "bad recovery control message");
          }
          return;
        }
        const text = typeof data === "string" ? data : decoder.decode(data);
        const read = readText(text);
        if ("control" in read) {
          const control = read.control;
          if (control?.[0] !== "ack" || !session.acknowledged(control[1])) {
            this.#refuse(CloseCode.PROTOCOL_ERROR, "bad recovery control message");
          }
          return;
        }
        data = read.data;
      }
    }
    session.inbound.count();
    session.connection.message(data, binary);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#recovery.greeted(this.#socket);
    this.#current?.dropped(code, reason);
  }

  drain(): void {
    this.#current?.connection.drain();
  }

  pong(): void {
    this.#current?.alive();
  }

  pinged(): void {
    this.#current?.connection.pinged();
  }

  #hello(data: Uint8Array | string, binary: boolean): void {
    clearTimeout(this.#timer);
    this.#recovery.greeted(this.#socket);
    const text = binary ? "" : typeof data === "string" ? data : decoder.decode(data);
    const read = readText(text);
    const control = "control" in read ? read.control : undefined;
    if (control?.[0] !== "hello") {
      this.#refuse(CloseCode.PROTOCOL_ERROR, "expected a recovery hello");
      return;
    }
    const [, id, received] = control;
    const claiming =
      id === null
        ? undefined
        : this.#recovery.claim({
            socket: () => (this.#closed ? undefined : this.#socket),
            context: this.#context,
            protocol: this.#protocol,
            id,
            received,
          });
    if (!claiming) {
      this.#session = this.#recovery.hello(
        this.#socket,
        this.#context,
        this.#protocol,
        id,
        received,
      );
      return;
    }
    this.#waiting = [];
    claiming.then(
      (session) => this.#claimed(session),
      () => this.#claimed(undefined),
    );
  }

  /** The handoff is over: what the client sent meanwhile goes to the session. */
  #claimed(session: Session | undefined): void {
    const waiting = this.#waiting ?? [];
    this.#waiting = undefined;
    if (this.#closed) return;
    if (!session) {
      // The store failed: nothing is known of the session, so the client gets a new one.
      this.#session = this.#recovery.fresh(this.#socket, this.#context, this.#protocol);
    } else this.#session = session;
    for (const [data, binary] of waiting) this.message(data, binary);
  }

  #refuse(code: number, reason: string): void {
    this.#socket.close(code, reason);
  }
}
