/** Copies up to this size are carved out of a shared slab instead of a buffer of their own. */
const SLAB_COPY_LIMIT = 16 * 1024;
const SLAB_BYTES = 64 * 1024;
let slab = newSlab();
let slabUsed = 0;

/**
 * A copy of bytes the caller does not own for long: a message an engine lends for one callback,
 * or a send buffer the user may reuse at once. For backends.
 *
 * Allocating a buffer costs several times more than copying a small message (about 3 µs against
 * 0.2 µs for 4 KiB here), so small copies share a 64 KiB slab, as Node's Buffer pool does with
 * 8 KiB: a copy kept forever keeps its slab alive, which bounds the waste at one slab per
 * retained copy.
 */
export function copyBytes(source: Uint8Array | ArrayBuffer): Uint8Array {
  const size = source.byteLength;
  const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
  if (size > SLAB_COPY_LIMIT) return bytes.slice();
  if (slabUsed + size > SLAB_BYTES) {
    slab = newSlab();
    slabUsed = 0;
  }
  const copy = new Uint8Array(slab, slabUsed, size);
  copy.set(bytes);
  // Keep copies 8-byte aligned, as typed-array views over them may need.
  slabUsed += (size + 7) & ~7;
  return copy;
}

/**
 * Hands back the latest `copyBytes` result once nothing refers to it any more (an engine wrote
 * it out at once), so the next copy reuses the same, cache-warm memory. Anything else is left to
 * the garbage collector.
 */
export function releaseCopy(copy: Uint8Array): void {
  if (copy.buffer === slab && copy.byteOffset + ((copy.byteLength + 7) & ~7) === slabUsed) {
    slabUsed = copy.byteOffset;
  }
}

/**
 * Not zero-filled (every byte handed out is written first): zeroing 64 KiB cost more than the
 * copies it serves.
 */
function newSlab(): ArrayBuffer {
  return Buffer.allocUnsafeSlow(SLAB_BYTES).buffer as ArrayBuffer;
}

const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of a string, in bytes the caller owns. On Node, `Buffer.from` takes a short
 * string from its 8 KiB pool, where `TextEncoder` allocates a new ArrayBuffer each time (about
 * 5× more for a short body); Bun has no such pool, and there `TextEncoder` is the faster one (73
 * against 255 ns for four bytes, and 10% of a `GET /ping` on Bun went to `Buffer.from`).
 */
export const utf8Bytes: (text: string) => Uint8Array =
  "Bun" in globalThis ? (text) => encoder.encode(text) : (text) => Buffer.from(text, "utf8");
