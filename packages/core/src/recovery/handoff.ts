import { encodeControl } from "@switchboard/protocol";
import type { Channel } from "../channel.js";
import type { Connection } from "../connection.js";
import { CloseCode } from "../opcode.js";
import type { EngineSocket } from "../seam.js";
import type { Journal } from "./journal.js";
import { Session, type SessionOwner } from "./session.js";
import type { ClaimedSession, StoredSession } from "./store.js";

/**
 * The reason `onWsClose` gets (with code 1001) on the process a session left for another one,
 * with `recovery` and a `pubsub` adapter that keeps sessions (`@switchboard/pubsub-redis`): the
 * client goes on elsewhere, so free this process's state but do not announce it as gone.
 *
 * @example
 * onWsClose(channel, code, reason) {
 *   if (reason !== RECOVERED_ELSEWHERE) this.publish("lobby", `${channel.data.name} left`);
 * }
 */
export const RECOVERED_ELSEWHERE = "recovered elsewhere";

/** Makes the channel of a resumed session with its stored `url` and `data`; runs nothing yet. */
export type AdoptChannel = (
  socket: EngineSocket,
  context: unknown,
  protocol: string,
  url: string,
  data: unknown,
) => Connection;

/** What taking over a session needs from the registry and the server. */
export interface AdoptionHost {
  readonly owner: SessionOwner;
  readonly journal: Journal;
  readonly adopt: AdoptChannel;
  subscribe(channel: Channel, topic: string): void;
  /** The session exists here from now on. */
  register(session: Session): void;
}

/** A hello that names a session, on the link it came on. */
export interface ClaimingHello {
  /** The link's socket, read when the claim ends: undefined once the client dropped again. */
  socket: () => EngineSocket | undefined;
  context: unknown;
  protocol: string;
  id: string;
  received: number;
}

/** What the handoffs need from the registry of this process's sessions. */
export interface SessionRegistry extends SessionOwner {
  get(id: string): Session | undefined;
  register(session: Session): void;
  /** The usual hello: resume a session held here, else a new one. */
  hello(
    socket: EngineSocket,
    context: unknown,
    protocol: string,
    id: string,
    received: number,
  ): Session;
  /** A new session on `socket`. */
  fresh(socket: EngineSocket, context: unknown, protocol: string): Session;
}

/**
 * The sessions of this process that move to or from others, through the `RecoveryStore`: a
 * hello for a session another process holds claims it; a request from another process
 * releases one held here.
 */
export class Handoffs {
  readonly #registry: SessionRegistry;
  readonly #journal: Journal;
  readonly #adoption: AdoptionHost;
  /** Sessions being taken over, by id. */
  readonly #claiming = new Map<string, Promise<unknown>>();

  constructor(
    registry: SessionRegistry,
    journal: Journal,
    adoptChannel: AdoptChannel,
    subscribe: (channel: Channel, topic: string) => void,
  ) {
    this.#registry = registry;
    this.#journal = journal;
    this.#adoption = {
      owner: registry,
      journal,
      adopt: adoptChannel,
      subscribe,
      register: (session) => registry.register(session),
    };
    journal.store.attach({ release: (id, end) => this.#release(id, end) }, registry.limits);
  }

  /**
   * A hello naming a session this process does not hold: resolves to the session resumed from
   * its holder, or a new one (undefined once the client dropped again, unless it was resumed).
   */
  claim(hello: ClaimingHello): Promise<Session | undefined> | undefined {
    const { socket, context, protocol, id, received } = hello;
    const registry = this.#registry;
    if (registry.get(id)) return undefined;
    const pending = this.#claiming.get(id);
    if (pending) {
      // The client came back again while its session was being taken over: once it is here,
      // this hello resumes it like any other.
      return pending.then(() => {
        const engine = socket();
        return engine ? registry.hello(engine, context, protocol, id, received) : undefined;
      });
    }
    const claiming = this.#journal.store.claim(id, received).then((claimed) => {
      const engine = socket();
      let resumed: Session | undefined;
      if (claimed && !registry.isClosing() && !registry.get(id)) {
        resumed = adopt(this.#adoption, claimed, id, received, engine, context, protocol);
      } else claimed?.cancel();
      if (resumed) {
        if (engine) registry.recovered(resumed);
        return resumed;
      }
      return engine ? registry.fresh(engine, context, protocol) : undefined;
    });
    const settled = () => this.#claiming.delete(id);
    this.#claiming.set(id, claiming.then(settled, settled));
    return claiming;
  }

  /** Another process resumes `id`: let go of it here, and say what it was. */
  #release(id: string, end = false): StoredSession | undefined {
    const session = this.#registry.get(id);
    if (!session?.canResume(session.outbound.sent)) return undefined;
    if (end) {
      session.fail();
      return undefined;
    }
    const state = this.#journal.state(session);
    session.end(CloseCode.GOING_AWAY, RECOVERED_ELSEWHERE, true);
    return state;
  }
}

/**
 * Resumes on this process a session another one held: the channel is made again (topics
 * subscribed, `data` restored), the client is welcomed and sent what it missed, then what was
 * published to its topics during the handoff. `socket` is undefined when the client dropped
 * again meanwhile: the session then waits for it here. Undefined when the claim cannot restore
 * the channel (its `data` was not JSON): the caller starts a new session.
 */
export function adopt(
  host: AdoptionHost,
  claimed: ClaimedSession,
  id: string,
  received: number,
  socket: EngineSocket | undefined,
  context: unknown,
  protocol: string,
): Session | undefined {
  if (claimed.data === null) {
    claimed.cancel();
    return undefined;
  }
  const data: unknown = claimed.data === undefined ? undefined : JSON.parse(claimed.data);
  const session = new Session(id, host.owner);
  // Numbered on from what the client has: what it lacks is kept as the previous owner kept it.
  session.outbound.sent = received;
  for (const message of claimed.messages) {
    const { data: wire, binary } = message;
    session.outbound.push({
      data: wire,
      binary,
      bytes: typeof wire === "string" ? Buffer.byteLength(wire) : wire.byteLength,
    });
  }
  session.inbound.received = claimed.received;
  session.attach(socket);
  session.connection = host.adopt(session, context, protocol, claimed.url, data);
  host.register(session);
  const channel = session.connection.channel;
  if (socket) {
    socket.send(encodeControl(["welcome", id, true, claimed.received]), false);
    for (const item of session.outbound.after(received)) socket.send(item.data, item.binary);
    session.inbound.resume();
  }
  for (const topic of claimed.topics) host.subscribe(channel, topic);
  // Subscribed here now: what the handoff caught goes out before anything published later.
  host.journal.opened(session);
  for (const message of claimed.takeLive()) {
    session.connection.sendPrepared(message.payload, message.binary);
  }
  if (!socket) session.dropped(1006, "dropped during the handoff");
  return session;
}
