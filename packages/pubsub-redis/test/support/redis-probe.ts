import { createClient } from "redis";

/** How many connections are subscribed to a Redis channel (PUBSUB NUMSUB), asked on a short-lived connection. */
export async function subscriberCount(url: string, channel: string): Promise<number> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 2000 } });
  client.on("error", () => {});
  try {
    await client.connect();
    const counts = await client.pubSubNumSub(channel);
    return Number(counts[channel] ?? 0);
  } catch {
    return -1;
  } finally {
    if (client.isOpen) client.destroy();
  }
}
