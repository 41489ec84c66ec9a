import { type AckCounter, encodeControl, escapeText, type Kept } from "@switchboard/protocol";
import type { Connection } from "../connection.js";
import { SwitchboardError } from "../errors.js";
import { CloseCode } from "../opcode.js";
import type { EngineSocket, SharedMessage } from "../seam.js";
import type { SessionJournal } from "./journal.js";
import { KeptCopies } from "./kept-copies.js";
import type { ResolvedRecovery } from "./options.js";
import type { LogReader, PublishLog } from "./publish-log.js";
import { ResendRing } from "./resend-ring.js";
import { RidingAcks } from "./riding-acks.js";

/** Close codes after which a client may come back: the connection dropped or the peer left. */
const RECOVERABLE = new Set([1001, 1006, 1011, 1012, 1013, 1014]);

/** What a session needs from the registry that owns it. */
export interface SessionOwner {
  readonly limits: ResolvedRecovery;
  /** The server shuts down: nothing is recoverable. */
  isClosing(): boolean;
  /** The session ended for good: forget it. */
  ended(session: Session): void;
  /** Runs `onWsRecover`. */
  recovered(session: Session): void;
  /** Where the session's window is written for other processes, with a `RecoveryStore`. */
  readonly journal?: SessionJournal | undefined;
  /** Without a journal: the engine publishes that connected sessions take in later. */
  readonly log?: PublishLog | undefined;
}

/**
 * One recoverable channel: the socket its `Connection` writes to, for as long as the session
 * lives, whichever engine socket carries it now (none while the client is away). It numbers
 * what goes out and keeps it until acknowledged, counts what comes in, and holds sends while
 * the client is away.
 */
export class Session implements EngineSocket, LogReader {
  readonly id: string;
  readonly #owner: SessionOwner;
  /** Set right after the session is made: the connection whose socket this is. */
  connection!: Connection;
  /** What the client has not acknowledged yet. */
  readonly outbound = new ResendRing();
  /** Where the bytes of `outbound` are copied to. */
  readonly #copies = new KeptCopies();
  readonly inbound: AckCounter;
  /** The engine socket carrying the session now; undefined while the client is away. */
  engine: EngineSocket | undefined;
  /** The server began closing or dropping this channel: its end is final. */
  #ending = false;
  #answeredPing = true;
  #window: ReturnType<typeof setTimeout> | undefined;
  #ended = false;
  /** The engine topics the channel is in, for the engine socket of each resume. */
  readonly #topics = new Set<string>();
  /** While connected, with a log: the log, and the first of its entries not taken in yet. */
  #log: PublishLog | undefined;
  #cursor = 0;

  constructor(id: string, owner: SessionOwner) {
    this.id = id;
    this.#owner = owner;
    // Acks ride along with the replies to the next message where they can (docs/recovery.md).
    this.inbound = new RidingAcks((control) => {
      const journal = this.#owner.journal;
      if (!journal) {
        this.engine?.send(control, false);
        return;
      }
      // The count is stored at the cadence the client is acknowledged, with no write per
      // message; the client hears the ack once it is stored, so that another process never
      // resumes the session with a count below what the client already forgot.
      journal.counted(this).then(() => this.engine?.send(control, false));
    });
  }

  get away(): boolean {
    return this.engine === undefined;
  }

  /**
   * The log an engine publish to this session is written to instead of kept here; undefined
   * while away (a publish is kept at once, and may end the session) or with a journal.
   */
  get log(): PublishLog | undefined {
    return this.#log;
  }

  /** The engine socket that carries the session from now on. */
  attach(engine: EngineSocket | undefined): void {
    this.engine = engine;
    const log = this.#owner.log;
    if (!engine || !log) return;
    this.#log = log;
    this.#cursor = log.end;
    log.readers.add(this);
  }

  /**
   * Takes in the log's entries this session was a recipient of: each is numbered and kept,
   * except those the client already acknowledged (`acked`), which are only counted.
   */
  catchUp(acked = 0): void {
    const log = this.#log;
    if (!log || this.#cursor === log.end) return;
    const { topics, kept, excluded } = log;
    const outbound = this.outbound;
    // What the client acknowledged of what is kept goes first, so that the rest is only counted.
    if (acked > 0) outbound.ack(Math.min(acked, outbound.sent));
    /** Entries the client already acknowledged: only counted, not kept (nothing is kept yet). */
    let onlyCounted = outbound.length === 0 ? Math.max(0, acked - outbound.sent) : 0;
    // Entries come in runs of one topic: look each run's topic up once.
    let topic: string | undefined;
    let member = false;
    for (let i = this.#cursor - log.start; i < topics.length; i++) {
      if (topics[i] !== topic) {
        topic = topics[i] as string;
        member = this.#topics.has(topic);
      }
      if (!member || excluded[i] === this) continue;
      if (onlyCounted > 0) {
        onlyCounted--;
        outbound.sent++;
        continue;
      }
      const item = kept[i] as Kept;
      this.#keep(item.data, item.binary, item.bytes);
    }
    this.#cursor = log.end;
  }

  // ---- the connection's socket ------------------------------------------------------------------

  send(data: Uint8Array | string, binary: boolean): number {
    this.catchUp();
    const wire = binary ? data : toWire(data);
    // The engine copies what it sends (the caller may reuse its buffer), so it gets the caller's
    // bytes as they are; only what is kept for a resend is copied. Handing the engine the copy
    // would cost more: a small fresh array lives on V8's heap, and a native engine (uWS) has to
    // move it off the heap first.
    // Counted in UTF-8 bytes, as `maxBytes` and flow control are (and a broadcast, encoded once).
    if (typeof wire === "string") this.#keep(wire, binary, Buffer.byteLength(wire));
    else this.#keepCopy(wire, binary);
    const engine = this.engine;
    return engine ? engine.send(wire, binary) : this.outbound.bytes;
  }

  /**
   * A broadcast or publish: one kept copy for all recipients, and the engine frames it once for
   * all where it can (ws), as for a plain channel.
   */
  sendShared(message: SharedMessage): number {
    this.catchUp();
    const kept = sharedCopy(message);
    this.#keep(kept.data, kept.binary, kept.bytes);
    const engine = this.engine;
    if (!engine) return this.outbound.bytes;
    const { payload, binary } = message;
    // An escaped text message is not the shared payload: it goes out on its own.
    if (!binary && payload[0] === 0x1f) return engine.send(kept.data, binary);
    return engine.sendShared ? engine.sendShared(message) : engine.send(payload, binary);
  }

  /**
   * A broadcast or publish the engine delivers itself (its socket is in the engine topic): only
   * kept and numbered here. `kept` is its `keptCopy`, made once for every recipient; never an
   * escaped text message, which is not the shared payload and goes through `sendShared`.
   */
  keepShared(kept: Kept): void {
    this.#keep(kept.data, kept.binary, kept.bytes);
  }

  /** The client got everything up to `received`; false when that is more than was sent. */
  acknowledged(received: number): boolean {
    this.catchUp(received);
    if (!this.outbound.ack(received)) return false;
    if (this.outbound.length === 0) this.#copies.release();
    this.#owner.journal?.acknowledged(this, received);
    return true;
  }

  /** Keeps a message until the client acknowledges it, within the window's limits. */
  #keep(data: Uint8Array | string, binary: boolean, bytes: number): void {
    this.outbound.keep(data, binary, bytes);
    this.#owner.journal?.kept(this, data, binary);
    this.#bound();
  }

  /** As `#keep`, for bytes the caller may reuse: a copy is kept. */
  #keepCopy(bytes: Uint8Array, binary: boolean): void {
    const copies = this.#copies;
    const at = copies.copy(bytes);
    const size = bytes.byteLength;
    this.outbound.keepCopy(copies.buffer, at, binary, size);
    this.#owner.journal?.kept(this, new Uint8Array(copies.buffer, at, size), binary);
    this.#bound();
  }

  /** Within the window's limits again after a keep. */
  #bound(): void {
    const { maxMessages, maxBytes } = this.#owner.limits;
    if (this.outbound.length > maxMessages || this.outbound.bytes > maxBytes) {
      if (this.away) this.#overflowWhileAway();
      // Connected: the client acknowledges soon; what it already has need not be kept. A resume
      // that needs a message dropped here fails (the client gets a new session).
      while (this.outbound.length > maxMessages || this.outbound.bytes > maxBytes) {
        this.outbound.shift();
      }
    }
  }

  get bufferedAmount(): number {
    // While away, what is held counts against the connection's flow control.
    return this.engine ? this.engine.bufferedAmount : this.outbound.bytes;
  }

  close(code: number, reason: string): void {
    this.#ending = true;
    if (this.engine) this.engine.close(code, reason);
    else queueMicrotask(() => this.end(code, reason));
  }

  terminate(): void {
    this.#ending = true;
    if (this.engine) this.engine.terminate();
    else queueMicrotask(() => this.end(CloseCode.ABNORMAL, ""));
  }

  /** The channel joins an engine topic: its engine socket now, and that of every resume. */
  subscribe(topic: string): void {
    // What was published before counts with the topics the channel was in then.
    this.catchUp();
    this.#topics.add(topic);
    this.engine?.subscribe?.(topic);
  }

  unsubscribe(topic: string): void {
    this.catchUp();
    this.#topics.delete(topic);
    this.engine?.unsubscribe?.(topic);
  }

  /**
   * The heartbeat. The connection always sees its ping answered: the session itself drops an
   * engine socket that missed one, and waits for its client as after any other drop.
   */
  ping(): void {
    const engine = this.engine;
    if (engine) {
      if (this.#answeredPing) {
        this.#answeredPing = false;
        engine.ping();
      } else {
        this.detach();
        engine.terminate();
        this.dropped(CloseCode.ABNORMAL, "no answer to ping");
      }
    }
    this.connection.pong();
  }

  // ---- the engine socket's events ------------------------------------------------------------

  /** A message or pong arrived on the current engine socket. */
  alive(): void {
    this.#answeredPing = true;
  }

  /** The current engine socket is gone: wait for the client, or end the session. */
  dropped(code: number, reason: string): void {
    this.detach();
    if (this.#ending || this.#owner.isClosing() || !RECOVERABLE.has(code)) {
      this.end(code, reason);
      return;
    }
    this.#window = setTimeout(() => this.end(code, reason), this.#owner.limits.windowMs);
    this.#window.unref?.();
    this.#owner.journal?.away(this);
  }

  /** Stops using the current engine socket; its later events are ignored. */
  detach(): void {
    // Away, a publish is kept at once.
    this.catchUp();
    this.#log?.readers.delete(this);
    this.#log = undefined;
    this.engine = undefined;
    this.inbound.stop();
  }

  /** Whether a client that received `received` messages can be given all the rest. */
  canResume(received: number): boolean {
    this.catchUp();
    return !this.#ended && !this.#ending && this.outbound.covers(received);
  }

  /**
   * The client is back on `engine`, having received `received` messages: welcome it, resend what
   * it missed (before anything new), and run `onWsRecover`.
   */
  resume(engine: EngineSocket, received: number): void {
    clearTimeout(this.#window);
    const old = this.engine;
    if (old) {
      // The old socket has not noticed the drop yet: it is replaced.
      this.detach();
      old.terminate();
    }
    this.acknowledged(received);
    this.attach(engine);
    this.#answeredPing = true;
    this.inbound.resume();
    engine.send(encodeControl(["welcome", this.id, true, this.inbound.received]), false);
    for (const item of this.outbound.after(received)) engine.send(item.data, item.binary);
    // After the resends: what the engine publishes to it from now on follows them.
    for (const topic of this.#topics) engine.subscribe?.(topic);
    this.#owner.recovered(this);
    // A sender that waited for a drain while the client was away may go on.
    this.connection.drain();
  }

  /**
   * The session is over: the channel closes (`onWsClose` runs). `released`: it goes on in
   * another process, so the store keeps it; so it does when the server shuts down.
   */
  end(code: number, reason: string, released = false): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#window);
    const engine = this.engine;
    this.detach();
    // A client resumed elsewhere while this socket had not noticed the drop: drop it.
    if (released) engine?.terminate();
    const journal = this.#owner.journal;
    if (released) journal?.released(this);
    // A server shutting down (a restart, a rolling deploy) leaves its sessions in the store,
    // as its clients left them, for the next process they reach to resume.
    else if (this.#owner.isClosing()) journal?.shutDown(this);
    else journal?.ended(this);
    this.outbound.clear();
    this.#copies.release();
    this.#owner.ended(this);
    this.connection.close(code, reason);
  }

  /**
   * A hello named this session and it cannot give the client everything: it ends (nothing
   * half-recovered), and a socket still attached to it is dropped, as a resume would have
   * replaced it; left open, it carried nothing and nothing closed it.
   */
  fail(): void {
    const engine = this.engine;
    this.end(CloseCode.ABNORMAL, "recovery failed");
    engine?.terminate();
  }

  #overflowWhileAway(): never {
    const { maxMessages, maxBytes } = this.#owner.limits;
    this.end(CloseCode.ABNORMAL, "recovery limit exceeded");
    throw new SwitchboardError(
      "CHANNEL_CLOSED",
      `channel ${this.connection.channel.id} is away and its recovery window is full (maxMessages ${maxMessages}, maxBytes ${maxBytes}); the session ended`,
    );
  }
}

/**
 * The last broadcast sent channel by channel, and its copy to keep: every recipient's session
 * keeps that one copy, made by the first. One message at a time is enough: core sends a
 * broadcast to all its recipients in one loop (a nested one only costs another copy).
 */
let lastShared: SharedMessage | undefined;
let lastKept: Kept | undefined;

/** What every recipient's session keeps of a broadcast sent channel by channel. */
function sharedCopy(message: SharedMessage): Kept {
  if (message !== lastShared || !lastKept) {
    lastKept = keptCopy(message);
    lastShared = message;
  }
  return lastKept;
}

/** A copy of a broadcast to keep, as it goes on the wire (a native publish makes one for all). */
export function keptCopy(message: SharedMessage): Kept {
  const { payload, binary } = message;
  const wire = binary ? payload : toWire(payload);
  return { data: keepable(wire), binary, bytes: sizeOf(wire) };
}

/** A TEXT data message as it goes on the wire: one more U+001F in front of one that starts with it. */
function toWire(data: Uint8Array | string): Uint8Array | string {
  if (typeof data === "string") return escapeText(data);
  if (data[0] !== 0x1f) return data;
  const escaped = new Uint8Array(data.byteLength + 1);
  escaped[0] = 0x1f;
  escaped.set(data, 1);
  return escaped;
}

function sizeOf(wire: Uint8Array | string): number {
  return typeof wire === "string" ? Buffer.byteLength(wire) : wire.byteLength;
}

/**
 * What is kept must not change when the caller reuses its buffer: bytes are copied (a Buffer's
 * own `slice` would be a view), strings are not.
 */
function keepable<T extends Uint8Array | string>(wire: T): T {
  return (typeof wire === "string" ? wire : Uint8Array.prototype.slice.call(wire)) as T;
}
