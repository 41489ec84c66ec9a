import { isUtf8 } from "node:buffer";
import { checkClose } from "./close.js";
import { SwitchboardError } from "./errors.js";
import { CloseCode, Opcode } from "./opcode.js";
import type { EngineSocket, FramePart } from "./seam.js";

/** Flow-control thresholds of one channel, in bytes. */
export interface FlowLimits {
  highWaterMark: number;
  lowWaterMark: number;
  maxBufferedBytes: number;
}

/** What a channel reports to the server that owns it. */
export interface ChannelOwner {
  readonly flow: FlowLimits;
  /** The buffer fell to the low-water mark after `send` returned false. */
  drained(channel: Channel): void;
  /** `send` went over `maxBufferedBytes`; the channel is being closed. */
  overflowed(channel: Channel): void;
}

/** Data accepted by `send`. */
export type SendData = string | Uint8Array | ArrayBuffer;

type State = "open" | "closing" | "closed";

/**
 * One WebSocket connection. Handed to every callback; keep per-connection state in `data`.
 *
 * @example
 * server.onWsOpen = (channel) => { channel.data = { joined: Date.now() }; channel.send("hi"); };
 */
export class Channel<Data = unknown> {
  /** Unique within the server process, increasing from 1. */
  readonly id: number;
  /** Path and query of the upgrade request, e.g. `/chat?room=1`. */
  readonly url: string;
  /** The peer's IP address. */
  readonly remoteAddress: string;
  /** The subprotocol agreed in the handshake, or "". */
  readonly protocol: string;
  /** Your per-connection state. */
  data: Data;

  #socket: EngineSocket;
  #owner: ChannelOwner;
  #state: State = "open";
  #fragment: "none" | "text" | "binary" = "none";
  #waitingForDrain = false;
  #answeredPing = true;
  #quietScans = 0;
  #tokens = 0;
  #tokensAt = 0;
  /**
   * bufferedAmount as read after the last send or admitted publish: at least what is buffered
   * now, give or take control frames the engine answers by itself (pongs, a few bytes each).
   */
  #bufferedBound = 0;
  /** The fragments so far, for an engine without `sendFragment`. */
  #held: HeldFragments | undefined;
  /** Created on the first `drain()` that has to wait: most channels never need one. */
  #drainWaiters: { resolve: () => void; reject: (error: Error) => void }[] | undefined;

  /** @internal Created by the server when a socket opens. */
  constructor(
    id: number,
    url: string,
    remoteAddress: string,
    protocol: string,
    data: Data,
    socket: EngineSocket,
    owner: ChannelOwner,
  ) {
    this.id = id;
    this.url = url;
    this.remoteAddress = remoteAddress;
    this.protocol = protocol;
    this.data = data;
    this.#socket = socket;
    this.#owner = owner;
  }

  /** True until `close()` is called or the peer goes away. */
  get isOpen(): boolean {
    return this.#state === "open";
  }

  /** Bytes queued for this peer and not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.#state === "closed" ? 0 : this.#socket.bufferedAmount;
  }

  /**
   * Sends a message, or one fragment of it with `fin = false` (continue with more `send` calls,
   * the last with `fin = true`). Strings default to TEXT, bytes to BINARY.
   *
   * Returns true while the buffer is under `highWaterMark`; false means the data is queued but
   * you should `await channel.drain()` before sending more.
   * Throws a `SwitchboardError` when the channel is closed (`CHANNEL_CLOSED`) or the buffer would
   * exceed `maxBufferedBytes` (`BUFFER_OVERFLOW`; the channel is then closed with 1008).
   */
  send(data: SendData, opcode?: Opcode, fin = true): boolean {
    if (this.#state !== "open") {
      throw new SwitchboardError("CHANNEL_CLOSED", `channel ${this.id} is closed`);
    }
    const binary = isBinary(data, opcode);
    return this.sendPrepared(toPayload(data, binary), binary, fin);
  }

  /** @internal Sends a payload that is already validated (broadcast encodes text once for all). */
  sendPrepared(payload: Uint8Array | string, binary: boolean, fin = true): boolean {
    if (this.#state !== "open") {
      throw new SwitchboardError("CHANNEL_CLOSED", `channel ${this.id} is closed`);
    }
    let part = this.#nextPart(binary, fin);
    if (part !== "whole" && !this.#socket.sendFragment) {
      // The engine sends messages whole: hold the parts and send them joined at the last.
      const held = this.#hold(payload);
      if (part !== "last") {
        if (held.size > this.#owner.flow.maxBufferedBytes) this.#overflow(held.size);
        return true;
      }
      payload = held.join();
      this.#held = undefined;
      part = "whole";
    }
    const { maxBufferedBytes, highWaterMark } = this.#owner.flow;
    // The amount read after the last send is an upper bound (the engine only drains between
    // sends), so the engine is asked again only when that bound leaves too little room.
    let room = maxBufferedBytes - this.#bufferedBound;
    let size = payloadSize(payload, room);
    if (size > room) {
      room = maxBufferedBytes - this.#socket.bufferedAmount;
      size = payloadSize(payload, room);
    }
    if (size > room && size > 0) this.#overflow(size);
    this.#bufferedBound =
      part === "whole"
        ? this.#socket.send(payload, binary)
        : (this.#socket.sendFragment as NonNullable<EngineSocket["sendFragment"]>)(
            payload,
            binary,
            part,
          );
    if (this.#bufferedBound < highWaterMark) return true;
    this.#waitingForDrain = true;
    return false;
  }

  /**
   * @internal Whether a whole message of `size` bytes may be published to this channel now: open,
   * no fragmented message in progress, and room in its buffer. Records a pending drain as `send`
   * would when the message takes the buffer past `highWaterMark`.
   */
  admitsWhole(size: number): boolean {
    if (this.#state !== "open" || this.#fragment !== "none") return false;
    const { maxBufferedBytes, highWaterMark } = this.#owner.flow;
    // The bound is enough while it leaves the buffer under both marks; past them, ask the engine
    // (a broadcast checks every recipient, and most are nowhere near their limits).
    let buffered = this.#bufferedBound + size;
    if (buffered >= highWaterMark || buffered > maxBufferedBytes) {
      buffered = this.#socket.bufferedAmount + size;
    }
    if (buffered > maxBufferedBytes) return false;
    if (buffered >= highWaterMark) this.#waitingForDrain = true;
    // The publish about to happen grows the buffer outside `send`: keep the bound an upper bound.
    this.#bufferedBound = buffered;
    return true;
  }

  /** @internal The engine socket, for a backend's `publish` to leave out. */
  get engineSocket(): EngineSocket {
    return this.#socket;
  }

  /**
   * Resolves when the buffer is at or below `lowWaterMark`; rejects if the channel closes first.
   *
   * @example
   * for (const chunk of chunks) if (!channel.send(chunk)) await channel.drain();
   */
  drain(): Promise<void> {
    if (this.#state === "closed") {
      return Promise.reject(new SwitchboardError("CHANNEL_CLOSED", `channel ${this.id} is closed`));
    }
    if (this.#socket.bufferedAmount <= this.#owner.flow.lowWaterMark) return Promise.resolve();
    this.#waitingForDrain = true;
    this.#drainWaiters ??= [];
    const waiters = this.#drainWaiters;
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  }

  /** Sends a close frame (default 1000). The close callback runs when the peer answers. */
  close(code: number = CloseCode.NORMAL, reason = ""): void {
    checkClose(code, reason);
    if (this.#state !== "open") return;
    this.#state = "closing";
    this.#socket.close(code, reason);
  }

  /** Drops the connection at once, without a close frame. */
  terminate(): void {
    if (this.#state === "closed") return;
    this.#state = "closing";
    this.#socket.terminate();
  }

  /** @internal Heartbeat: false when the previous ping went unanswered (the peer is dead). */
  ping(): boolean {
    if (!this.#answeredPing) return false;
    this.#answeredPing = false;
    this.#socket.ping();
    return true;
  }

  /** @internal A pong (or any message) proves the peer is alive. */
  handlePong(): void {
    this.#answeredPing = true;
  }

  /** @internal A message arrived: the peer is alive and not idle. */
  handleActivity(): void {
    this.#answeredPing = true;
    this.#quietScans = 0;
  }

  /** @internal Idle scan: how many scans in a row saw no message. */
  countQuietScan(): number {
    return ++this.#quietScans;
  }

  /** @internal Token bucket for `maxMessagesPerSecond`: false when the budget is spent. */
  takeMessageToken(perSecond: number): boolean {
    const now = Date.now();
    if (this.#tokensAt === 0) this.#tokens = perSecond;
    else
      this.#tokens = Math.min(
        perSecond,
        this.#tokens + ((now - this.#tokensAt) * perSecond) / 1000,
      );
    this.#tokensAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** @internal The engine flushed part of the buffer. */
  handleDrain(): void {
    if (!this.#waitingForDrain || this.#socket.bufferedAmount > this.#owner.flow.lowWaterMark)
      return;
    this.#waitingForDrain = false;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = undefined;
    for (const waiter of waiters ?? []) waiter.resolve();
    this.#owner.drained(this);
  }

  /** @internal The socket is gone. */
  handleClose(): void {
    this.#state = "closed";
    this.#held = undefined;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = undefined;
    for (const waiter of waiters ?? []) {
      waiter.reject(
        new SwitchboardError("CHANNEL_CLOSED", `channel ${this.id} closed before it drained`),
      );
    }
  }

  /** Closes with 1008 and throws: a send of `size` bytes does not fit `maxBufferedBytes`. */
  #overflow(size: number): never {
    this.#owner.overflowed(this);
    this.close(CloseCode.POLICY_VIOLATION, "send buffer overflow");
    throw new SwitchboardError(
      "BUFFER_OVERFLOW",
      `channel ${this.id}: sending ${size} bytes would exceed maxBufferedBytes (${this.#owner.flow.maxBufferedBytes}); the channel was closed`,
    );
  }

  /** Keeps a fragment for an engine that sends messages whole. */
  #hold(payload: Uint8Array | string): HeldFragments {
    this.#held ??= new HeldFragments();
    // The caller may reuse its buffer once `send` returns: hold a copy.
    this.#held.add(typeof payload === "string" ? Buffer.from(payload, "utf8") : payload.slice());
    return this.#held;
  }

  #nextPart(binary: boolean, fin: boolean): FramePart | "whole" {
    const kind = binary ? "binary" : "text";
    if (this.#fragment === "none") {
      if (fin) return "whole";
      this.#fragment = kind;
      return "first";
    }
    if (this.#fragment !== kind) {
      throw new SwitchboardError(
        "FRAGMENT_IN_PROGRESS",
        `channel ${this.id}: a fragmented ${this.#fragment} message is in progress; finish it with fin = true first`,
      );
    }
    if (!fin) return "middle";
    this.#fragment = "none";
    return "last";
  }
}

/** Whether data goes out as a BINARY message: the opcode if given, else bytes are binary. */
export function isBinary(data: SendData, opcode: Opcode | undefined): boolean {
  if (opcode === undefined) return typeof data !== "string";
  if (opcode !== Opcode.TEXT && opcode !== Opcode.BINARY) {
    throw new SwitchboardError(
      "INVALID_ARGUMENT",
      `opcode must be Opcode.TEXT or Opcode.BINARY, got ${String(opcode)}`,
    );
  }
  return opcode === Opcode.BINARY;
}

/** Validates and encodes once for many recipients: text goes out as UTF-8 bytes too. */
export function encodeOnce(data: SendData, binary: boolean): Uint8Array {
  const payload = toPayload(data, binary);
  return typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
}

function toPayload(data: SendData, binary: boolean): Uint8Array | string {
  if (typeof data === "string") return binary ? Buffer.from(data, "utf8") : data;
  let bytes: Uint8Array;
  if (data instanceof Uint8Array) bytes = data;
  else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else if (ArrayBuffer.isView(data)) {
    const view = data as ArrayBufferView;
    bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  } else {
    throw new SwitchboardError(
      "INVALID_ARGUMENT",
      `send data must be a string, Uint8Array or ArrayBuffer, got ${typeof data}`,
    );
  }
  if (!binary && !isValidText(bytes)) {
    throw new SwitchboardError("INVALID_ARGUMENT", "a TEXT message must be valid UTF-8");
  }
  return bytes;
}

/**
 * Validates UTF-8 without decoding (a throwaway string would cost far more). Short messages are
 * mostly ASCII, which a loop confirms faster than the call into native code.
 */
function isValidText(bytes: Uint8Array): boolean {
  const length = bytes.length;
  if (length <= 64) {
    let index = 0;
    while (index < length && (bytes[index] as number) < 0x80) index++;
    if (index === length) return true;
  }
  return isUtf8(bytes);
}

// UTF-8 never takes more than 3 bytes per UTF-16 unit, so most strings need no exact count.
function payloadSize(payload: Uint8Array | string, room: number): number {
  if (typeof payload !== "string") return payload.byteLength;
  return payload.length * 3 <= room ? payload.length : Buffer.byteLength(payload);
}

/** Fragments held until the last one, for an engine that sends messages whole. */
class HeldFragments {
  #parts: Uint8Array[] = [];
  size = 0;

  add(part: Uint8Array): void {
    this.#parts.push(part);
    this.size += part.byteLength;
  }

  join(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.#parts) {
      out.set(part, offset);
      offset += part.byteLength;
    }
    return out;
  }
}
