import type { Kept } from "@switchboard/protocol";

/** Slots a new buffer starts with; a power of two, as every capacity is. */
const FIRST_CAPACITY = 16;
/** An empty buffer that grew past this many slots starts over small. */
const KEEP_CAPACITY = 1024;

/**
 * The server's `ResendBuffer`: the same queue and numbering, as a ring of parallel arrays, so a
 * message kept costs no object of its own and a full ring doubles without ever compacting. The
 * clients keep the protocol's plain `ResendBuffer`, which is smaller in a page's bundle; the
 * test in `test/resend-queues.test.ts` holds both to one model.
 */
export class ResendRing {
  /** How many data messages this side sent on the session. */
  sent = 0;
  /** Bytes held. */
  bytes = 0;
  /** A message's text or bytes, or the buffer its bytes were copied to (at `#offsets`). */
  #data: (string | Uint8Array | ArrayBuffer | undefined)[] = new Array(FIRST_CAPACITY).fill(
    undefined,
  );
  #offsets: number[] = new Array(FIRST_CAPACITY).fill(0);
  #sizes: number[] = new Array(FIRST_CAPACITY).fill(0);
  #binary = new Uint8Array(FIRST_CAPACITY);
  #head = 0;
  #length = 0;

  /** Numbers of the messages held: from `first` to `sent`. */
  get first(): number {
    return this.sent - this.#length + 1;
  }

  get length(): number {
    return this.#length;
  }

  push(item: Kept): void {
    this.keep(item.data, item.binary, item.bytes);
  }

  /** As `push`, without an object for the message. */
  keep(data: string | Uint8Array, binary: boolean, bytes: number): void {
    this.#keepAt(data, 0, binary, bytes);
  }

  /** Keeps the `bytes` bytes at `offset` in `buffer`, without a view of them until a resend. */
  keepCopy(buffer: ArrayBuffer, offset: number, binary: boolean, bytes: number): void {
    this.#keepAt(buffer, offset, binary, bytes);
  }

  #keepAt(
    data: string | Uint8Array | ArrayBuffer,
    offset: number,
    binary: boolean,
    bytes: number,
  ): void {
    if (this.#length === this.#data.length) this.#grow();
    const slot = (this.#head + this.#length) & (this.#data.length - 1);
    this.#data[slot] = data;
    this.#offsets[slot] = offset;
    this.#sizes[slot] = bytes;
    this.#binary[slot] = binary ? 1 : 0;
    this.#length++;
    this.sent++;
    this.bytes += bytes;
  }

  /** The other side got everything up to `received`; false when that is more than was sent. */
  ack(received: number): boolean {
    if (received > this.sent) return false;
    let drop = received - this.first + 1;
    while (drop-- > 0) this.shift();
    if (this.#length === 0 && this.#data.length > KEEP_CAPACITY) this.#reset();
    return true;
  }

  /** Drops the oldest message. */
  shift(): void {
    if (this.#length === 0) return;
    const head = this.#head;
    this.#data[head] = undefined;
    this.bytes -= this.#sizes[head] as number;
    this.#head = (head + 1) & (this.#data.length - 1);
    this.#length--;
  }

  /** Whether every message after `received` is still held, so a resend is complete. */
  covers(received: number): boolean {
    return received <= this.sent && received >= this.first - 1;
  }

  /** The messages after `received`, oldest first; call `covers` first. */
  *after(received: number): Generator<Kept> {
    const mask = this.#data.length - 1;
    for (let n = Math.max(received + 1, this.first); n <= this.sent; n++) {
      const slot = (this.#head + n - this.first) & mask;
      const data = this.#data[slot] as string | Uint8Array | ArrayBuffer;
      const bytes = this.#sizes[slot] as number;
      yield {
        data:
          data instanceof ArrayBuffer
            ? new Uint8Array(data, this.#offsets[slot] as number, bytes)
            : data,
        binary: this.#binary[slot] === 1,
        bytes,
      };
    }
  }

  clear(): void {
    this.#reset();
    this.sent = 0;
    this.bytes = 0;
  }

  /** Twice the slots, the held messages moved to the front in order. */
  #grow(): void {
    const capacity = this.#data.length;
    const data: (string | Uint8Array | ArrayBuffer | undefined)[] = new Array(capacity * 2).fill(
      undefined,
    );
    const offsets: number[] = new Array(capacity * 2).fill(0);
    const sizes: number[] = new Array(capacity * 2).fill(0);
    const binary = new Uint8Array(capacity * 2);
    for (let i = 0; i < this.#length; i++) {
      const slot = (this.#head + i) & (capacity - 1);
      data[i] = this.#data[slot];
      offsets[i] = this.#offsets[slot] as number;
      sizes[i] = this.#sizes[slot] as number;
      binary[i] = this.#binary[slot] as number;
    }
    this.#data = data;
    this.#offsets = offsets;
    this.#sizes = sizes;
    this.#binary = binary;
    this.#head = 0;
  }

  #reset(): void {
    this.#data = new Array(FIRST_CAPACITY).fill(undefined);
    this.#offsets = new Array(FIRST_CAPACITY).fill(0);
    this.#sizes = new Array(FIRST_CAPACITY).fill(0);
    this.#binary = new Uint8Array(FIRST_CAPACITY);
    this.#head = 0;
    this.#length = 0;
  }
}
