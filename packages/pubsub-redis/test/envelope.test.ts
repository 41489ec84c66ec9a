import { describe, expect, it } from "vitest";
import { ENVELOPE_VERSION, EnvelopeReader, EnvelopeWriter, nodeIdBytes } from "../src/envelope.js";

const alice = nodeIdBytes("alice");
const bob = nodeIdBytes("bob");

describe("envelope", () => {
  it("carries binary payloads byte-exact with their flag", () => {
    const payload = Uint8Array.from({ length: 256 }, (_, i) => i);
    const message = new EnvelopeWriter(alice).write(payload, true);
    const read = new EnvelopeReader(bob).read(message);
    expect(read).toEqual({ payload: expect.any(Uint8Array), binary: true });
    expect(Buffer.from((read as { payload: Uint8Array }).payload)).toEqual(Buffer.from(payload));
  });

  it("carries text as UTF-8 bytes, flagged as text, and empty payloads", () => {
    const writer = new EnvelopeWriter(alice);
    const reader = new EnvelopeReader(bob);
    const text = reader.read(writer.write(Buffer.from("grüß 🚀"), false));
    expect(text).toMatchObject({ binary: false });
    expect(Buffer.from((text as { payload: Uint8Array }).payload).toString()).toBe("grüß 🚀");
    const empty = reader.read(writer.write(new Uint8Array(0), true));
    expect((empty as { payload: Uint8Array }).payload.byteLength).toBe(0);
  });

  it("recognises the node's own messages, also against ids sharing a prefix", () => {
    const message = new EnvelopeWriter(alice).write(Buffer.from("x"), false);
    expect(new EnvelopeReader(alice).read(message)).toBe("own");
    expect(new EnvelopeReader(nodeIdBytes("alic")).read(message)).not.toBe("own");
    expect(new EnvelopeReader(nodeIdBytes("alicex")).read(message)).not.toBe("own");
  });

  it("refuses bytes that are not an envelope", () => {
    const reader = new EnvelopeReader(bob);
    expect(reader.read(Buffer.from("hello"))).toBe("malformed");
    expect(reader.read(Buffer.from([ENVELOPE_VERSION, 0]))).toBe("malformed");
    expect(reader.read(Buffer.from([ENVELOPE_VERSION, 0, 9, 1, 2]))).toBe("malformed");
  });

  it("limits node ids to 1..255 bytes", () => {
    expect(() => nodeIdBytes("")).toThrow(RangeError);
    expect(() => nodeIdBytes("x".repeat(256))).toThrow(RangeError);
    expect(nodeIdBytes("x".repeat(255)).length).toBe(255);
  });
});
