import { describe, expect, it } from "vitest";
import { isEnvelope, jsonCodec, strictCodec } from "../src/index.js";

describe("the JSON codec", () => {
  it("writes an envelope as U+001E and a JSON array, leaving out undefined data", () => {
    expect(jsonCodec.encode([1, "e", "tick", 5])).toBe('\x1e[1,"e","tick",5]');
    expect(jsonCodec.encode([2, "e", "ping"])).toBe('\x1e[2,"e","ping"]');
    expect(jsonCodec.decode('\x1e[1,"e","tick",5]', false)).toEqual([1, "e", "tick", 5]);
  });

  it("reads text that is not an envelope as raw (undefined), as string or bytes", () => {
    expect(jsonCodec.decode("hello", false)).toBeUndefined();
    expect(jsonCodec.decode(new TextEncoder().encode("[1]"), false)).toBeUndefined();
    expect(jsonCodec.decode(new Uint8Array([1, 2]), true)).toBeUndefined();
    expect(jsonCodec.decode(new TextEncoder().encode('\x1e[1,"e","x"]'), false)).toEqual([
      1,
      "e",
      "x",
    ]);
  });

  it("sends bytes as a BINARY envelope, byte for byte, and copies them out on reading", () => {
    const bytes = new Uint8Array([0x1e, 0, 255, 0x1e, 7]);
    const frame = jsonCodec.encode([3, "r", 9, bytes]) as Uint8Array;
    expect(frame).toBeInstanceOf(Uint8Array);
    const decoded = jsonCodec.decode(frame, true)!;
    expect(decoded).toEqual([3, "r", 9, bytes]);
    frame.fill(0);
    expect(decoded[3]).toEqual(bytes);
    expect(jsonCodec.encode([4, "e", "b", bytes.buffer])).toEqual(
      jsonCodec.encode([4, "e", "b", bytes]),
    );
  });

  it("throws on a marked message that is not JSON", () => {
    expect(() => jsonCodec.decode("\x1e{", false)).toThrow();
    expect(() => jsonCodec.decode(new Uint8Array([0x1e, 0x5b]), true)).toThrow();
  });

  it("isEnvelope accepts the four kinds and refuses everything else", () => {
    expect(isEnvelope([1, "e", "a", 1])).toBe(true);
    expect(isEnvelope(["id-1", "q", "a"])).toBe(true);
    expect(isEnvelope([2, "r", 1, null])).toBe(true);
    expect(isEnvelope([2, "x", 0, { code: "A", message: "b" }])).toBe(true);
    for (const bad of [
      [],
      [0, "e", "a"],
      [1, "e", ""],
      [1, "e", 1],
      [1, "y", "a"],
      [1, "r", -1],
      [1, "x", 1, {}],
      [1, "e", "a", 1, 2],
    ]) {
      expect(isEnvelope(bad)).toBe(false);
    }
  });

  it("the strict codec refuses a marked message whose JSON is falsy, instead of taking it for raw", () => {
    const strict = strictCodec(jsonCodec);
    for (const json of ["null", "0", "false", '""']) {
      expect(() => strict.decode(`\x1e${json}`, false), json).toThrow("malformed envelope");
    }
    expect(strict.decode("null", false)).toBeUndefined();
  });
});
