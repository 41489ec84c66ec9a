import { encodeControl } from "@switchboard/protocol";
import type { Channel } from "../channel.js";
import type { Connection } from "../connection.js";
import type { EngineSocket } from "../seam.js";
import type { Journal } from "./journal.js";
import { Session, type SessionOwner } from "./session.js";
import type { ClaimedSession } from "./store.js";

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
      bytes: typeof wire === "string" ? wire.length : wire.byteLength,
    });
  }
  session.inbound.received = claimed.received;
  session.engine = socket;
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
