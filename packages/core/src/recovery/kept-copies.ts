/** Room in one chunk: 128 messages of 32 bytes. */
const CHUNK_BYTES = 4096;
/** Copies this big or bigger get a buffer of their own. */
const OWN_BUFFER_FROM = 1024;

/**
 * The copies one session keeps for a resend, carved out of chunks of its own: one allocation per
 * chunk instead of one per message (a buffer of its own costs more than a small copy, and its
 * collection more still). The session drops what it keeps in the order it kept it, so a full
 * chunk is garbage once its last message is acknowledged: what stays alive is at most one chunk
 * more than what is kept, and nothing once everything is acknowledged.
 */
export class KeptCopies {
  #chunk: ArrayBuffer | undefined;
  #used = 0;

  /** A copy of `bytes` that nothing else writes to (a Buffer's own `slice` would be a view). */
  copy(bytes: Uint8Array): Uint8Array {
    const size = bytes.byteLength;
    if (size >= OWN_BUFFER_FROM) return Uint8Array.prototype.slice.call(bytes);
    let chunk = this.#chunk;
    if (chunk === undefined || this.#used + size > CHUNK_BYTES) {
      chunk = new ArrayBuffer(CHUNK_BYTES);
      this.#chunk = chunk;
      this.#used = 0;
    }
    const copy = new Uint8Array(chunk, this.#used, size);
    copy.set(bytes);
    this.#used += size;
    return copy;
  }

  /** Nothing is kept any more: the chunk is left to the collector once its copies are. */
  release(): void {
    this.#chunk = undefined;
  }
}
