import { utf8Bytes } from "./bytes.js";
import { Channel } from "./channel.js";
import { checkClose } from "./close.js";
import type { ServerContext } from "./context.js";
import { SwitchboardError } from "./errors.js";
import { CloseCode, type Opcode } from "./opcode.js";
import { HeldFragments, isBinary, payloadSize, type SendData, toPayload } from "./payload.js";
import type { EngineSocket, FramePart, SharedMessage, SocketEvents } from "./seam.js";
import { Sequencer } from "./sequencer.js";
import { isThenable } from "./thenable.js";

type State = "open" | "closing" | "closed";

/** What a waiting message costs besides its bytes: its closures and promises (about 750 bytes measured). */
const QUEUED_MESSAGE_OVERHEAD = 1024;

/**
 * The small state of a connection, as bits of one field: one slot per connection instead of
 * three (a fragmented message's kind, a pending drain, the heartbeat's answered ping).
 */
const Flag = {
  TEXT_FRAGMENT: 1,
  BINARY_FRAGMENT: 2,
  /** Either kind: a fragmented message is in progress. */
  FRAGMENT: 3,
  /** `send` returned false (or a publish filled the buffer): `onWsDrain` is owed. */
  WAITING_FOR_DRAIN: 4,
  /** The peer answered the last heartbeat ping (or sent anything since). */
  ANSWERED_PING: 8,
} as const;

/** What an upgrade carried to the socket's open: the request's URL and address, and `data`. */
export interface OpenInfo {
  readonly url: string;
  readonly remoteAddress: string;
  readonly data: unknown;
}

/** The state of `Connection` that most connections never use. */
interface RareState {
  /** Token bucket for `maxMessagesPerSecond`: tokens left, and when they were counted. */
  tokens: number;
  tokensAt: number;
  /** The fragments so far, for an engine without `sendFragment`. */
  held: HeldFragments | undefined;
  /**
   * The close frame the server sent, if it started the closing handshake. Engines report a
   * peer that never answers differently (ws 1006 after its own 30 s, uWS and Bun the code they
   * sent), so `onWsClose` gets this one on every engine; the peer has `closeTimeoutMs` to answer.
   */
  sentClose: { code: number; reason: string; timer: NodeJS.Timeout } | undefined;
  /** Bytes of the messages waiting for an async callback, as `maxQueuedMessageBytes` counts them. */
  queuedBytes: number;
  /** Who awaits `drain()`. */
  drainWaiters: { resolve: () => void; reject: (error: Error) => void }[] | undefined;
}

/**
 * Core's side of one WebSocket: the engine's events in (in order), the channel's sends and
 * closes out, with the flow, fragment, heartbeat and rate state between. The public `Channel`
 * is its handle; together they are the only objects core keeps per connection, and a message
 * allocates nothing here.
 */
export class Connection extends Sequencer implements SocketEvents {
  readonly channel: Channel;
  readonly socket: EngineSocket;
  readonly #context: ServerContext;
  #state: State = "open";
  /** The fragmented message in progress, a pending drain, the last ping answered: `Flag` bits. */
  #flags: number = Flag.ANSWERED_PING;
  #quietScans = 0;
  /**
   * bufferedAmount as read after the last send or admitted publish: at least what is buffered
   * now, give or take control frames the engine answers by itself (pongs, a few bytes each).
   */
  #bufferedBound = 0;
  /**
   * What only some connections ever need (a rate limit, fragments held, a close sent, a drain
   * awaited): one object made on first use, so an idle connection carries one empty slot.
   */
  #rare: RareState | undefined;

  constructor(
    context: ServerContext,
    socket: EngineSocket,
    id: number,
    info: OpenInfo,
    protocol: string,
  ) {
    super();
    this.#context = context;
    this.socket = socket;
    this.channel = new Channel(this, id, info.url, info.remoteAddress, protocol, info.data);
  }

  get isOpen(): boolean {
    return this.#state === "open";
  }

  get bufferedAmount(): number {
    return this.#state === "closed" ? 0 : this.socket.bufferedAmount;
  }

  // ---- engine events ------------------------------------------------------------------------

  open(): void {
    const channel = this.channel;
    if (this.#context.isClosing()) this.closeSocket(CloseCode.GOING_AWAY, "server shutting down");
    if (!this.idle) {
      this.run(
        () => this.#context.opened(channel),
        (error) => this.#openFailed(error),
      );
      return;
    }
    // The common case, inline as for messages: no closures for a callback that runs at once.
    try {
      const result = this.#context.opened(channel);
      if (isThenable(result)) this.await(result, (error) => this.#openFailed(error));
    } catch (error) {
      this.#openFailed(error);
    }
  }

  #openFailed(error: unknown): void {
    this.#context.report(error, "onWsOpen", this.channel);
    if (this.isOpen) this.closeSocket(CloseCode.INTERNAL_ERROR, "internal error");
  }

  message(data: Uint8Array | string, binary: boolean): void {
    const context = this.#context;
    const channel = this.channel;
    if (this.#state !== "open") return;
    // A message proves the peer is alive and not idle.
    this.#flags |= Flag.ANSWERED_PING;
    this.#quietScans = 0;
    const size = payloadSize(data, context.maxMessageBytes);
    if (size > context.maxMessageBytes) {
      this.closeSocket(CloseCode.MESSAGE_TOO_BIG, "message too big");
      return;
    }
    if (context.maxMessagesPerSecond > 0 && !this.#takeMessageToken(context.maxMessagesPerSecond)) {
      context.rateLimited();
      this.closeSocket(CloseCode.POLICY_VIOLATION, "message rate limit exceeded");
      return;
    }
    if (!this.idle) {
      this.#queue(data, binary, size);
      return;
    }
    // The common case, inline: no closure and no promise per message.
    try {
      const result = context.deliver(channel, data, binary);
      if (isThenable(result)) this.await(result, this.#failed("onWsMessage"));
    } catch (error) {
      context.report(error, "onWsMessage", channel);
    }
  }

  /**
   * A message behind an async callback waits for it, in order. What waits is bounded: a peer
   * that sends faster than the callbacks finish would otherwise fill the server's memory.
   */
  #queue(data: Uint8Array | string, binary: boolean, size: number): void {
    const context = this.#context;
    const rare = this.#rareState();
    const cost = size + QUEUED_MESSAGE_OVERHEAD;
    if (rare.queuedBytes + cost > context.maxQueuedMessageBytes) {
      context.queueOverflowed(this.channel);
      this.closeSocket(CloseCode.POLICY_VIOLATION, "too many messages waiting");
      return;
    }
    rare.queuedBytes += cost;
    this.run(() => {
      rare.queuedBytes -= cost;
      return context.deliver(this.channel, data, binary);
    }, this.#failed("onWsMessage"));
  }

  close(code: number, reason: string): void {
    const rare = this.#rare;
    const sent = rare?.sentClose;
    if (sent) {
      clearTimeout(sent.timer);
      code = sent.code;
      reason = sent.reason;
    }
    const channel = this.channel;
    this.#context.left(channel);
    this.#state = "closed";
    const waiters = rare?.drainWaiters;
    if (rare) {
      rare.held = undefined;
      rare.drainWaiters = undefined;
    }
    for (const waiter of waiters ?? []) {
      waiter.reject(
        new SwitchboardError("CHANNEL_CLOSED", `channel ${channel.id} closed before it drained`),
      );
    }
    if (!this.idle) {
      this.run(() => this.#context.closed(channel, code, reason), this.#failed("onWsClose"));
      return;
    }
    // Inline while nothing is pending: no closures for a close that runs at once.
    try {
      const result = this.#context.closed(channel, code, reason);
      if (isThenable(result)) this.await(result, this.#failed("onWsClose"));
    } catch (error) {
      this.#context.report(error, "onWsClose", channel);
    }
  }

  drain(): void {
    if (
      (this.#flags & Flag.WAITING_FOR_DRAIN) === 0 ||
      this.socket.bufferedAmount > this.#context.flow.lowWaterMark
    )
      return;
    this.#flags &= ~Flag.WAITING_FOR_DRAIN;
    const rare = this.#rare;
    const waiters = rare?.drainWaiters;
    if (rare) rare.drainWaiters = undefined;
    for (const waiter of waiters ?? []) waiter.resolve();
    this.#context.drained(this.channel);
  }

  pong(): void {
    this.#flags |= Flag.ANSWERED_PING;
  }

  /**
   * The ping budget: the engine answers every ping, and the pongs count against
   * `maxBufferedBytes` like any send. A peer that pings without reading is closed as a slow
   * reader is (1008), instead of after a fixed number of pings.
   */
  pinged(): void {
    if (this.#state !== "open") return;
    if (this.socket.bufferedAmount <= this.#context.flow.maxBufferedBytes) return;
    this.#context.overflowed(this.channel);
    this.closeSocket(CloseCode.POLICY_VIOLATION, "send buffer overflow");
  }

  // ---- the channel's operations -------------------------------------------------------------

  send(data: SendData, opcode: Opcode | undefined, fin: boolean): boolean {
    this.#checkOpen();
    const binary = isBinary(data, opcode);
    return this.sendPrepared(toPayload(data, binary), binary, fin);
  }

  /**
   * Sends a payload that is already validated (broadcast encodes text once for all, and passes
   * the message as `shared` for engines that frame it once for every recipient).
   */
  sendPrepared(
    payload: Uint8Array | string,
    binary: boolean,
    fin = true,
    shared?: SharedMessage,
  ): boolean {
    this.#checkOpen();
    let part = this.#nextPart(binary, fin);
    const socket = this.socket;
    const { maxBufferedBytes, highWaterMark } = this.#context.flow;
    if (part !== "whole" && !socket.sendFragment) {
      // The engine sends messages whole: hold the parts and send them joined at the last.
      const rare = this.#rareState();
      rare.held ??= new HeldFragments();
      const held = rare.held;
      // The caller may reuse its buffer once `send` returns: hold a copy.
      held.add(typeof payload === "string" ? utf8Bytes(payload) : payload.slice());
      if (part !== "last") {
        if (held.size > maxBufferedBytes) this.#overflow(held.size);
        return true;
      }
      payload = held.join();
      rare.held = undefined;
      part = "whole";
      // What goes out is the joined fragments, not the shared message alone.
      shared = undefined;
    }
    // The amount read after the last send is an upper bound (the engine only drains between
    // sends), so the engine is asked again only when that bound leaves too little room.
    let room = maxBufferedBytes - this.#bufferedBound;
    let size = payloadSize(payload, room);
    if (size > room) {
      room = maxBufferedBytes - socket.bufferedAmount;
      size = payloadSize(payload, room);
    }
    if (size > room && size > 0) this.#overflow(size);
    this.#bufferedBound =
      part !== "whole"
        ? (socket.sendFragment as NonNullable<EngineSocket["sendFragment"]>)(payload, binary, part)
        : shared && socket.sendShared
          ? socket.sendShared(shared)
          : socket.send(payload, binary);
    if (this.#bufferedBound < highWaterMark) return true;
    this.#flags |= Flag.WAITING_FOR_DRAIN;
    return false;
  }

  /**
   * Whether a whole message of `size` bytes may be published to this channel now: open, no
   * fragmented message in progress, and room in its buffer. Records a pending drain as `send`
   * would when the message takes the buffer past `highWaterMark`.
   */
  admitsWhole(size: number): boolean {
    if (this.#state !== "open" || (this.#flags & Flag.FRAGMENT) !== 0) return false;
    const { maxBufferedBytes, highWaterMark } = this.#context.flow;
    // The bound is enough while it leaves the buffer under both marks; past them, ask the engine
    // (a broadcast checks every recipient, and most are nowhere near their limits).
    let buffered = this.#bufferedBound + size;
    if (buffered >= highWaterMark || buffered > maxBufferedBytes) {
      buffered = this.socket.bufferedAmount + size;
    }
    if (buffered > maxBufferedBytes) return false;
    if (buffered >= highWaterMark) this.#flags |= Flag.WAITING_FOR_DRAIN;
    // The publish about to happen grows the buffer outside `send`: keep the bound an upper bound.
    this.#bufferedBound = buffered;
    return true;
  }

  /** `channel.drain()`: resolves at or below `lowWaterMark`, rejects if the socket goes first. */
  drained(): Promise<void> {
    if (this.#state === "closed") {
      return Promise.reject(
        new SwitchboardError("CHANNEL_CLOSED", `channel ${this.channel.id} is closed`),
      );
    }
    if (this.socket.bufferedAmount <= this.#context.flow.lowWaterMark) return Promise.resolve();
    this.#flags |= Flag.WAITING_FOR_DRAIN;
    const rare = this.#rareState();
    rare.drainWaiters ??= [];
    const waiters = rare.drainWaiters;
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  /** `channel.close()`: the closing handshake, with a code and reason checked first. */
  closeSocket(code: number, reason: string): void {
    checkClose(code, reason);
    if (this.#state !== "open") return;
    this.#state = "closing";
    // Set before the engine call: an engine may report the close from inside it.
    const timer = setTimeout(() => this.terminate(), this.#context.closeTimeoutMs);
    timer.unref();
    this.#rareState().sentClose = { code, reason, timer };
    this.socket.close(code, reason);
  }

  terminate(): void {
    if (this.#state === "closed") return;
    this.#state = "closing";
    this.socket.terminate();
  }

  // ---- liveness -------------------------------------------------------------------------------

  /** Heartbeat: false when the previous ping went unanswered (the peer is dead). */
  ping(): boolean {
    if ((this.#flags & Flag.ANSWERED_PING) === 0) return false;
    this.#flags &= ~Flag.ANSWERED_PING;
    this.socket.ping();
    return true;
  }

  /** Idle scan: how many scans in a row saw no message. */
  countQuietScan(): number {
    return ++this.#quietScans;
  }

  /** Token bucket for `maxMessagesPerSecond`: false when the budget is spent. */
  #takeMessageToken(perSecond: number): boolean {
    const now = Date.now();
    const rare = this.#rareState();
    if (rare.tokensAt === 0) rare.tokens = perSecond;
    else
      rare.tokens = Math.min(perSecond, rare.tokens + ((now - rare.tokensAt) * perSecond) / 1000);
    rare.tokensAt = now;
    if (rare.tokens < 1) return false;
    rare.tokens -= 1;
    return true;
  }

  #rareState(): RareState {
    this.#rare ??= {
      tokens: 0,
      tokensAt: 0,
      held: undefined,
      sentClose: undefined,
      queuedBytes: 0,
      drainWaiters: undefined,
    };
    return this.#rare;
  }

  #checkOpen(): void {
    if (this.#state !== "open") {
      throw new SwitchboardError("CHANNEL_CLOSED", `channel ${this.channel.id} is closed`);
    }
  }

  /** Closes with 1008 and throws: a send of `size` bytes does not fit `maxBufferedBytes`. */
  #overflow(size: number): never {
    this.#context.overflowed(this.channel);
    this.closeSocket(CloseCode.POLICY_VIOLATION, "send buffer overflow");
    throw new SwitchboardError(
      "BUFFER_OVERFLOW",
      `channel ${this.channel.id}: sending ${size} bytes would exceed maxBufferedBytes (${this.#context.flow.maxBufferedBytes}); the channel was closed`,
    );
  }

  #nextPart(binary: boolean, fin: boolean): FramePart | "whole" {
    const kind = binary ? Flag.BINARY_FRAGMENT : Flag.TEXT_FRAGMENT;
    const current = this.#flags & Flag.FRAGMENT;
    if (current === 0) {
      if (fin) return "whole";
      this.#flags |= kind;
      return "first";
    }
    if (current !== kind) {
      throw new SwitchboardError(
        "FRAGMENT_IN_PROGRESS",
        `channel ${this.channel.id}: a fragmented ${current === Flag.BINARY_FRAGMENT ? "binary" : "text"} message is in progress; finish it with fin = true first`,
      );
    }
    if (!fin) return "middle";
    this.#flags &= ~Flag.FRAGMENT;
    return "last";
  }

  #failed(source: string): (error: unknown) => void {
    return (error) => this.#context.report(error, source, this.channel);
  }
}
