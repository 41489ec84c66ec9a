/**
 * Where recovery keeps a session in Redis. Both keys of a session share a hash tag, so a
 * cluster puts them on one node.
 *
 *   `<prefix>recovery:{<session>}`           hash: owner, url, protocol, data, topics, received
 *   `<prefix>recovery:{<session>}:messages`  stream: the data messages, id `0-<number>`
 *
 * Each process also listens on its node channel, `<prefix>\u0000node:<nodeId>`, for handoff
 * requests and answers.
 */
export function sessionKey(prefix: string, session: string): string {
  return `${prefix}recovery:{${session}}`;
}

/** The stream of a session's outbound data messages. */
export function messagesKey(prefix: string, session: string): string {
  return `${sessionKey(prefix, session)}:messages`;
}

/** The Redis channel a process hears handoff requests and answers on. */
export function nodeChannel(prefix: string, nodeId: string): string {
  return `${prefix}\u0000node:${nodeId}`;
}

/** The stream id of data message number `seq` (from 1). */
export function entryId(seq: number): string {
  return `0-${seq}`;
}
