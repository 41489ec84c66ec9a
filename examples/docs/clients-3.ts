import type { WebSocketClient } from "@switchboard/client-node";

/** Sends every chunk without letting more than about 1 MiB pile up in the socket. */
export async function upload(
  client: WebSocketClient,
  chunks: Iterable<Uint8Array>,
): Promise<number> {
  let bytes = 0;
  for (const chunk of chunks) {
    if (!client.send(chunk)) await client.drain(); // false: over 1 MiB buffered, or queued
    bytes += chunk.byteLength;
  }
  return bytes;
}
