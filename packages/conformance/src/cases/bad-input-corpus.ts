import { closePayload, type FrameSpec, frame } from "../support/frames.js";

/** One abusive input, sent after a valid handshake. */
export interface BadInput {
  /** Autobahn testsuite category it belongs to. */
  category: string;
  name: string;
  bytes: Buffer;
}

const f = (spec: FrameSpec) => frame(spec);
const TEXT = 1;
const BINARY = 2;
const CONTINUATION = 0;
const CLOSE = 8;
const PING = 9;
const invalidUtf8 = Buffer.from([
  0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80, 0x65,
]);

/** Every case must end the connection and deliver nothing. */
export const BAD_INPUTS: BadInput[] = [
  ...[3, 4, 5, 6, 7].map((opcode) => ({
    category: "4.1 reserved data opcodes",
    name: `data opcode ${opcode}`,
    bytes: f({ opcode, payload: "reserved" }),
  })),
  ...[11, 12, 13, 14, 15].map((opcode) => ({
    category: "4.2 reserved control opcodes",
    name: `control opcode ${opcode}`,
    bytes: f({ opcode, payload: "reserved" }),
  })),
  ...[1, 2, 4, 7].map((rsv) => ({
    category: "3 reserved bits",
    name: `RSV bits ${rsv.toString(2).padStart(3, "0")} without an extension`,
    bytes: f({ opcode: TEXT, payload: "rsv", rsv }),
  })),
  {
    category: "2 control frames",
    name: "ping with a 126-byte payload",
    bytes: f({ opcode: PING, payload: "x".repeat(126) }),
  },
  {
    category: "2 control frames",
    name: "close with a 126-byte payload",
    bytes: f({ opcode: CLOSE, payload: closePayload(1000, "x".repeat(124)) }),
  },
  {
    category: "5 fragmentation",
    name: "fragmented ping",
    bytes: f({ opcode: PING, payload: "frag", fin: false }),
  },
  {
    category: "5 fragmentation",
    name: "fragmented close",
    bytes: f({ opcode: CLOSE, payload: closePayload(1000), fin: false }),
  },
  {
    category: "5 fragmentation",
    name: "continuation without a start",
    bytes: f({ opcode: CONTINUATION, payload: "orphan" }),
  },
  {
    category: "5 fragmentation",
    name: "a new text message inside a fragmented one",
    bytes: Buffer.concat([
      f({ opcode: TEXT, payload: "start", fin: false }),
      f({ opcode: TEXT, payload: "intruder" }),
    ]),
  },
  {
    category: "5 fragmentation",
    name: "a new binary message inside a fragmented text",
    bytes: Buffer.concat([
      f({ opcode: TEXT, payload: "start", fin: false }),
      f({ opcode: BINARY, payload: "intruder" }),
    ]),
  },
  {
    category: "1 framing",
    name: "an unmasked client frame",
    bytes: f({ opcode: TEXT, payload: "unmasked", masked: false }),
  },
  {
    category: "6 UTF-8 handling",
    name: "invalid UTF-8 in a text message",
    bytes: f({ opcode: TEXT, payload: invalidUtf8 }),
  },
  {
    category: "6 UTF-8 handling",
    name: "invalid UTF-8 split across fragments",
    bytes: Buffer.concat([
      f({ opcode: TEXT, payload: invalidUtf8.subarray(0, 12), fin: false }),
      f({ opcode: CONTINUATION, payload: invalidUtf8.subarray(12) }),
    ]),
  },
  {
    category: "6 UTF-8 handling",
    name: "a lone surrogate encoded as UTF-8",
    bytes: f({ opcode: TEXT, payload: Buffer.from([0xed, 0xa0, 0x80]) }),
  },
  {
    category: "6 UTF-8 handling",
    name: "an overlong encoding",
    bytes: f({ opcode: TEXT, payload: Buffer.from([0xc0, 0xaf]) }),
  },
  {
    category: "7.5 close reasons",
    name: "invalid UTF-8 in a close reason",
    bytes: f({ opcode: CLOSE, payload: closePayload(1000, invalidUtf8) }),
  },
  {
    category: "7.3 close payloads",
    name: "a close frame with a 1-byte payload",
    bytes: f({ opcode: CLOSE, payload: Buffer.from([0x03]) }),
  },
  ...[0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535].map((code) => ({
    category: "7.9 invalid close codes",
    name: `close code ${code}`,
    bytes: f({ opcode: CLOSE, payload: closePayload(code) }),
  })),
  {
    category: "9 limits",
    name: "a 64-bit length with the most significant bit set",
    bytes: f({ opcode: BINARY, payload: "x", announcedLength: 0x8000000000000000n }),
  },
  {
    category: "9 limits",
    name: "a frame announcing more than maxMessageBytes",
    bytes: f({ opcode: BINARY, payload: "x", announcedLength: 2n ** 40n }),
  },
];
