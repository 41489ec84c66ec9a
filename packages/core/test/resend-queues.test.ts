import { type Kept, ResendBuffer } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { KeptCopies } from "../src/recovery/kept-copies.js";
import { ResendRing } from "../src/recovery/resend-ring.js";

/** What both queues have: the clients' holds each message as it went out, the ring a `Kept`. */
interface Queue<T> {
  readonly sent: number;
  readonly length: number;
  readonly first: number;
  push(item: T): void;
  ack(received: number): boolean;
  shift(): void;
  covers(received: number): boolean;
  after(received: number): Iterable<T>;
  clear(): void;
}

/** The same queue the plain way: what both queues must behave like. */
class Model<T> {
  sent = 0;
  items: T[] = [];
  get first() {
    return this.sent - this.items.length + 1;
  }
  push(item: T) {
    this.sent++;
    this.items.push(item);
  }
  ack(received: number) {
    if (received > this.sent) return false;
    while (this.items.length > 0 && this.first <= received) this.items.shift();
    return true;
  }
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keptText = (data: string): Kept => ({ data, binary: false, bytes: data.length });

/**
 * The clients' plain queue and the server's ring: one behaviour. The ring also counts bytes
 * (the server's window has a byte limit; a client's resends have none of their own).
 */
const queues = [
  {
    name: "ResendBuffer (clients)",
    make: (): Queue<unknown> => new ResendBuffer() as Queue<unknown>,
    item: (kept: Kept): unknown => kept.data,
    bytes: undefined,
  },
  {
    name: "ResendRing (server)",
    make: (): Queue<unknown> => new ResendRing() as Queue<unknown>,
    item: (kept: Kept): unknown => kept,
    bytes: (queue: Queue<unknown>) => (queue as ResendRing).bytes,
  },
];

describe.each(queues)("$name", ({ make, item: wrap, bytes }) => {
  it("numbers, acknowledges and resends like a plain queue, across wraps and growth", () => {
    const next = random(18);
    const buffer = make();
    const model = new Model<Kept>();
    for (let step = 0; step < 20_000; step++) {
      const roll = next();
      if (roll < 0.6) {
        const n = model.sent + 1;
        const item: Kept =
          n % 3 === 0
            ? { data: new Uint8Array([n & 0xff]), binary: true, bytes: 1 }
            : { data: `m${n}`, binary: false, bytes: String(n).length + 1 };
        buffer.push(wrap(item));
        model.push(item);
      } else if (roll < 0.9) {
        // Sometimes more than was sent: refused, nothing changes.
        const received = model.first - 1 + Math.floor(next() * (model.items.length + 3));
        expect(buffer.ack(received)).toBe(model.ack(received));
      } else if (model.items.length > 0) {
        buffer.shift();
        model.items.shift();
      }
      expect(buffer.length).toBe(model.items.length);
      expect(buffer.first).toBe(model.first);
      if (bytes) {
        expect(bytes(buffer)).toBe(model.items.reduce((sum, item) => sum + item.bytes, 0));
      }
      if (step % 97 === 0) {
        const from = model.first - 1 + Math.floor(next() * (model.items.length + 1));
        expect(buffer.covers(from)).toBe(true);
        expect([...buffer.after(from)]).toEqual(
          model.items.slice(from - (model.first - 1)).map(wrap),
        );
      }
    }
    if (model.first > 1) expect(buffer.covers(model.first - 2)).toBe(false);
    expect(buffer.covers(model.sent + 1)).toBe(false);
  });

  it("starts over small once a large backlog is acknowledged, and clear forgets everything", () => {
    const buffer = make();
    for (let n = 1; n <= 5000; n++) buffer.push(wrap(keptText(`m${n}`)));
    expect([...buffer.after(4998)]).toEqual([wrap(keptText("m4999")), wrap(keptText("m5000"))]);
    expect(buffer.ack(5000)).toBe(true);
    expect(buffer.length).toBe(0);
    if (bytes) expect(bytes(buffer)).toBe(0);
    buffer.push(wrap(keptText("next")));
    expect(buffer.first).toBe(5001);
    expect([...buffer.after(5000)]).toEqual([wrap(keptText("next"))]);
    buffer.clear();
    expect(buffer.sent).toBe(0);
    expect(buffer.length).toBe(0);
    expect(buffer.covers(0)).toBe(true);
  });
});

describe("ResendRing's copies", () => {
  it("keeps where a copy's bytes are, and gives them back as bytes on a resend, across growth", () => {
    const ring = new ResendRing();
    const copies = new KeptCopies();
    const sent: Uint8Array[] = [];
    for (let n = 1; n <= 300; n++) {
      // Small copies share chunks; every 50th is big enough for a buffer of its own.
      const bytes = new Uint8Array(n % 50 === 0 ? 2000 : 1 + (n % 7)).fill(n & 0xff);
      const at = copies.copy(bytes);
      ring.keepCopy(copies.buffer, at, true, bytes.byteLength);
      // The caller reuses its buffer: what is kept must not change.
      bytes.fill(0);
      sent.push(new Uint8Array(bytes.byteLength).fill(n & 0xff));
    }
    expect(ring.ack(100)).toBe(true);
    const resent = [...ring.after(100)];
    expect(resent.map((item) => item.data)).toEqual(sent.slice(100));
    expect(resent.every((item) => item.binary && item.bytes === item.data.length)).toBe(true);
  });
});

describe("KeptCopies", () => {
  it("lets copies of a few KiB share growing chunks while a session is busy, and starts small after a release", () => {
    const copies = new KeptCopies();
    const kept: { buffer: ArrayBuffer; at: number }[] = [];
    const bytes = new Uint8Array(4096);
    for (let n = 0; n < 64; n++) {
      const at = copies.copy(bytes.fill(n));
      kept.push({ buffer: copies.buffer, at });
    }
    bytes.fill(255);
    // 4, 8, 16, 32 KiB, then 64 KiB chunks: 64 copies in 8 allocations, not 64.
    expect(new Set(kept.map((copy) => copy.buffer)).size).toBe(8);
    expect(Math.max(...kept.map((copy) => copy.buffer.byteLength))).toBe(64 * 1024);
    kept.forEach(({ buffer, at }, n) => {
      expect(new Uint8Array(buffer, at, 4096).every((byte) => byte === n)).toBe(true);
    });
    copies.release();
    copies.copy(new Uint8Array(32));
    expect(copies.buffer.byteLength).toBe(4096);
  });
});
