import type {
  ClaimedSession,
  RecoveryHandler,
  RecoveryStore,
  StoredSession,
} from "@switchboard/core/pubsub";
import { RESP_TYPES } from "redis";
import type { RedisClient } from "./connection.js";
import { describe, RedisPubSubError } from "./errors.js";
import type { Handoff } from "./handoff.js";
import { entryId, messagesKey, sessionKey } from "./recovery-keys.js";

/** What the store needs from the adapter. */
export interface RecoveryStoreHost {
  readonly nodeId: string;
  readonly prefix: string;
  /** The publishing connection's client, when it is up: every write goes on it, in order. */
  publisher(): RedisClient | undefined;
  report(error: unknown): void;
}

/** What the session store did so far (`redisPubSub(...).recovery.counts`). */
export interface RedisRecoveryCounts {
  /** Messages appended to a session's stream. */
  appended: number;
  /** Trims of a stream to what the client has not acknowledged. */
  trimmed: number;
  /** Writes of how many of the client's messages a session received. */
  counted: number;
  /** Writes of a session's state. */
  saved: number;
  /** Sessions this process took over from another. */
  claimed: number;
  /** Writes that failed (Redis unreachable): a resume elsewhere that needs one gets a new session. */
  failed: number;
}

/** Stream entries as Redis returns them, bytes kept as bytes. */
type Entries = [id: Buffer, fields: Buffer[]][];

const BUFFERS = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } };

/**
 * Writes a session's state only where this process holds it (or nobody does yet): a holder
 * that answers a handoff too late, or whose timer fires before it hears the request, never
 * overwrites the state of the process that took the session over.
 */
const SAVE_IF_HOLDER = `local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], unpack(ARGV, 2))
return 1`;

/**
 * Takes a session over from the owner a claim began with: when two processes claim one session
 * at once (a client that gave up on an attempt and tried another server), only the first gets
 * it; the other gives its client a new session.
 */
const TAKE_FROM_OWNER = `if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[2])
return 1`;

/**
 * A recovery window in Redis: per session a hash of its state and a stream of its outbound
 * data messages (`XADD` with id `0-<number>`, bounded by `MAXLEN ~ maxMessages`, trimmed to
 * what the client has not acknowledged with `XTRIM MINID`). Writes are pipelined on the
 * publishing connection and never awaited; keys expire a window after the last write of the
 * state, which the server repeats every third of the window while the session lives.
 */
export class RedisRecoveryStore implements RecoveryStore {
  /** What the store did so far, for monitoring. */
  readonly counts: RedisRecoveryCounts = {
    appended: 0,
    trimmed: 0,
    counted: 0,
    saved: 0,
    claimed: 0,
    failed: 0,
  };
  readonly #host: RecoveryStoreHost;
  readonly #handoff: Handoff;
  #maxMessages = 10_000;
  #ttlMs = 160_000;
  /** Sessions whose stream exists: the first append sets its expiry. */
  readonly #streams = new Set<string>();

  constructor(host: RecoveryStoreHost, handoff: Handoff) {
    this.#host = host;
    this.#handoff = handoff;
  }

  attach(handler: RecoveryHandler, limits: { windowMs: number; maxMessages: number }): void {
    this.#handoff.handler = handler;
    this.#maxMessages = limits.maxMessages;
    // A crashed owner's session must still be there a window after its last refresh.
    this.#ttlMs = Math.ceil(limits.windowMs + Math.max(1000, limits.windowMs / 3)) + 1000;
  }

  /** Whether a server with recovery on uses this store. */
  get attached(): boolean {
    return this.#handoff.handler !== undefined;
  }

  opened(session: string, state: StoredSession): void {
    this.saved(session, state);
  }

  appended(session: string, seq: number, data: Uint8Array | string, binary: boolean): void {
    const key = messagesKey(this.#host.prefix, session);
    const payload =
      typeof data === "string" ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const args = [
      "XADD",
      key,
      "MAXLEN",
      "~",
      String(this.#maxMessages),
      entryId(seq),
      "d",
      payload,
    ];
    if (binary) args.push("b", "1");
    this.counts.appended++;
    this.#send(args);
    if (!this.#streams.has(session)) {
      this.#streams.add(session);
      this.#send(["PEXPIRE", key, String(this.#ttlMs)]);
    }
  }

  acknowledged(session: string, received: number): void {
    this.counts.trimmed++;
    this.#send(["XTRIM", messagesKey(this.#host.prefix, session), "MINID", entryId(received + 1)]);
  }

  counted(session: string, received: number): Promise<void> {
    this.counts.counted++;
    return this.#send([
      "HSET",
      sessionKey(this.#host.prefix, session),
      "received",
      String(received),
    ]);
  }

  saved(session: string, state: StoredSession): void {
    const prefix = this.#host.prefix;
    const key = sessionKey(prefix, session);
    const args = [
      "EVAL",
      SAVE_IF_HOLDER,
      "1",
      key,
      this.#host.nodeId,
      "url",
      state.url,
      "protocol",
      state.protocol,
      "topics",
      JSON.stringify(state.topics),
      "received",
      String(state.received),
      "sent",
      String(state.sent),
      "data",
      state.data === undefined ? "u" : state.data === null ? "x" : `j${state.data}`,
    ];
    this.counts.saved++;
    this.#send(args);
    this.#send(["PEXPIRE", key, String(this.#ttlMs)]);
    if (this.#streams.has(session)) {
      this.#send(["PEXPIRE", messagesKey(prefix, session), String(this.#ttlMs)]);
    }
  }

  ended(session: string): void {
    const prefix = this.#host.prefix;
    this.#streams.delete(session);
    this.#send(["DEL", sessionKey(prefix, session), messagesKey(prefix, session)]);
  }

  /** The session moved to another process: it is no longer this one's to expire or delete. */
  forget(session: string): void {
    this.#streams.delete(session);
  }

  async claim(session: string, received: number): Promise<ClaimedSession | undefined> {
    const host = this.#host;
    const publisher = host.publisher();
    if (!publisher) return undefined;
    const key = sessionKey(host.prefix, session);
    const before = toFields(await publisher.sendCommand<string[]>(["HGETALL", key]));
    if (!before.owner) return undefined;
    this.counts.claimed++;
    const owner = before.owner === host.nodeId ? undefined : before.owner;
    const stream = messagesKey(host.prefix, session);
    // What the client lacks is already gone: the owner ends the session rather than hand it over.
    const first = await publisher.sendCommand<Entries>(
      ["XRANGE", stream, "-", "+", "COUNT", "1"],
      BUFFERS,
    );
    // An empty stream: the client acknowledged everything, so it lacks nothing unless it says
    // it has less than the last state written says was sent.
    const gone =
      first.length > 0 ? seqOf(first[0]![0]) > received + 1 : Number(before.sent ?? 0) > received;
    const claim = await this.#handoff.begin(session, owner, readTopics(before.topics), gone);
    if (gone) {
      this.#handoff.finish(claim);
      return undefined;
    }
    const finish = () => this.#handoff.finish(claim);
    try {
      // After the owner's answer: its last appends and its final state are in Redis.
      const [state, entries, taken] = await Promise.all([
        publisher.sendCommand<string[]>(["HGETALL", key]).then(toFields),
        publisher.sendCommand<Entries>(["XRANGE", stream, entryId(received + 1), "+"], BUFFERS),
        publisher.sendCommand<number>([
          "EVAL",
          TAKE_FROM_OWNER,
          "1",
          key,
          before.owner,
          host.nodeId,
        ]),
      ]);
      const messages = contiguous(entries, received);
      // The last state written says how many went out: the stream must reach that far.
      const complete = messages && Number(state.sent ?? 0) <= received + messages.length;
      if (taken !== 1 || !state.owner || !messages || !complete) {
        finish();
        return undefined;
      }
      this.#streams.add(session);
      const data = state.data ?? "u";
      return {
        url: state.url ?? "/",
        protocol: state.protocol ?? "",
        data: data === "u" ? undefined : data === "x" ? null : data.slice(1),
        topics: readTopics(state.topics),
        received: Number(state.received ?? 0),
        sent: received + messages.length,
        messages,
        takeLive: finish,
        cancel: finish,
      };
    } catch (error) {
      finish();
      throw error;
    }
  }

  /** Sends a write; settles (never rejects) when Redis answered or it failed. */
  #send(args: (string | Buffer)[]): Promise<void> {
    const publisher = this.#host.publisher();
    if (!publisher) {
      // The window in Redis has a gap now; a resume elsewhere that needs it fails as a whole.
      this.counts.failed++;
      return Promise.resolve();
    }
    return publisher.sendCommand(args).then(() => {}, this.#failed);
  }

  readonly #failed = (error: unknown): void => {
    this.counts.failed++;
    if (this.counts.failed === 1 || this.#host.publisher()) {
      this.#host.report(
        new RedisPubSubError("COMMAND_FAILED", `recovery write failed: ${describe(error)}`, {
          cause: error,
        }),
      );
    }
  };
}

function seqOf(id: Buffer): number {
  return Number(id.toString("latin1").slice(2));
}

/** HGETALL's flat reply as an object. */
function toFields(reply: string[] | Record<string, string>): Record<string, string> {
  if (!Array.isArray(reply)) return reply;
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = String(reply[i + 1]);
  return fields;
}

function readTopics(json: string | undefined): string[] {
  try {
    const topics = JSON.parse(json ?? "[]") as unknown;
    return Array.isArray(topics) ? topics.filter((topic) => typeof topic === "string") : [];
  } catch {
    return [];
  }
}

/**
 * The messages after `received`, if the stream holds every one of them (numbered on without a
 * gap); undefined when one is missing (trimmed, or a write failed).
 */
function contiguous(entries: Entries, received: number): ClaimedSession["messages"] | undefined {
  const messages: ClaimedSession["messages"] = [];
  let next = received + 1;
  for (const [id, fields] of entries) {
    if (id.toString("latin1") !== entryId(next)) return undefined;
    next++;
    let data: Buffer | undefined;
    let binary = false;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const name = fields[i]!.toString("latin1");
      if (name === "d") data = fields[i + 1];
      else if (name === "b") binary = true;
    }
    if (!data) return undefined;
    messages.push({ data, binary });
  }
  return messages;
}
