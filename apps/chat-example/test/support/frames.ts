/**
 * One client frame with FIN set, masked with a zero key (so the payload bytes stay readable), for
 * sending what a well-behaved WebSocket library never would.
 */
export function maskedFrame(opcode: number, payload: Uint8Array): Buffer {
  if (payload.length > 125) throw new Error("maskedFrame: payloads up to 125 bytes only");
  return Buffer.concat([
    Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]),
    Buffer.from(payload),
  ]);
}
