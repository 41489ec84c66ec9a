import { type Channel, connectionOf } from "./channel.js";
import { SwitchboardError } from "./errors.js";
import type { Opcode } from "./opcode.js";
import { encodeOnce, isBinary, type SendData } from "./payload.js";
import type { SharedMessage } from "./seam.js";

/** Options of `broadcast()` and `publish()`. */
export interface BroadcastOptions {
  /** A channel (or channels) that should not get the message, typically the sender. */
  exclude?: Channel | Iterable<Channel> | null;
  /** Default: TEXT for strings, BINARY for bytes. */
  opcode?: Opcode;
}

/** A message validated and encoded once for many recipients (and framed once by engines that can). */
export type PreparedMessage = SharedMessage;

export function prepareMessage(data: SendData, opcode: Opcode | undefined): PreparedMessage {
  const binary = isBinary(data, opcode);
  return { payload: encodeOnce(data, binary), binary };
}

/**
 * Sends one prepared message to many channels. A channel over its buffer limit is closed by its
 * own policy (and reported); the others still get the message. Returns how many got it.
 */
export function fanOut(
  channels: Iterable<Channel>,
  message: PreparedMessage,
  exclude: BroadcastOptions["exclude"],
): number {
  const excluded = toExcludeSet(exclude);
  let delivered = 0;
  for (const channel of channels) {
    if (!channel.isOpen || excluded?.has(channel)) continue;
    try {
      connectionOf(channel).sendPrepared(message.payload, message.binary, true, message);
      delivered++;
    } catch (error) {
      if (!(error instanceof SwitchboardError)) throw error;
    }
  }
  return delivered;
}

function toExcludeSet(exclude: BroadcastOptions["exclude"]): Set<Channel> | undefined {
  if (!exclude) return undefined;
  if (exclude instanceof Set) return exclude as Set<Channel>;
  if (Symbol.iterator in Object(exclude)) return new Set(exclude as Iterable<Channel>);
  return new Set([exclude as Channel]);
}
