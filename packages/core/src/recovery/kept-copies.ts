/** The first chunk of a session: 128 messages of 32 bytes. */
const FIRST_CHUNK_BYTES = 4096;
/** Chunks grow to this while a session keeps filling them. */
const MAX_CHUNK_BYTES = 64 * 1024;
/** Copies this big or bigger get a buffer of their own. */
const OWN_BUFFER_FROM = 16 * 1024;

/**
 * The copies one session keeps for a resend, carved out of chunks of its own: one allocation per
 * chunk instead of one per message (a buffer of its own costs more than the copy, about 3 µs
 * against 0.2 µs for 4 KiB, and its collection more still). A copy is a place, the buffer and an
 * offset, not a view: a view is an object per message, made only for a resend.
 *
 * A session that fills a chunk is busy: each next chunk is twice the last, up to 64 KiB, so
 * messages of a few KiB share allocations too (sixteen of 4 KiB per chunk at most). The session
 * drops what it keeps in the order it kept it, so a full chunk is garbage once its last message
 * is acknowledged: what stays alive is at most one chunk more than what is kept, and nothing
 * once everything is acknowledged, when the next chunk starts small again.
 */
export class KeptCopies {
  /** The chunk copies go to now, as bytes to write into. */
  #chunk: Uint8Array<ArrayBuffer> | undefined;
  #used = 0;
  /** The size of the next chunk. */
  #chunkBytes = FIRST_CHUNK_BYTES;
  /** Where the last copy went. */
  buffer: ArrayBuffer = new ArrayBuffer(0);

  /**
   * Copies `bytes` where nothing else writes to them (a Buffer's own `slice` would be a view):
   * into `buffer`, at the offset returned.
   */
  copy(bytes: Uint8Array): number {
    const size = bytes.byteLength;
    if (size >= OWN_BUFFER_FROM) {
      const own = new Uint8Array(size);
      own.set(bytes);
      this.buffer = own.buffer;
      return 0;
    }
    let chunk = this.#chunk;
    if (chunk === undefined || this.#used + size > chunk.byteLength) {
      if (chunk !== undefined) this.#chunkBytes = Math.min(MAX_CHUNK_BYTES, this.#chunkBytes * 2);
      while (this.#chunkBytes < size) this.#chunkBytes *= 2;
      chunk = new Uint8Array(this.#chunkBytes);
      this.#chunk = chunk;
      this.#used = 0;
    }
    const at = this.#used;
    chunk.set(bytes, at);
    this.#used = at + size;
    this.buffer = chunk.buffer;
    return at;
  }

  /** Nothing is kept any more: the chunk is left to the collector once its copies are. */
  release(): void {
    this.#chunk = undefined;
    this.#chunkBytes = FIRST_CHUNK_BYTES;
  }
}
